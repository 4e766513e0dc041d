"""manage.py import_enterprises FILE --user USERNAME [--dry-run]: the browser's import from a shell."""

from organizations.importers import EnterpriseImporter
from organizations.tabular.command import ImportCommand


class Command(ImportCommand):
    help = "Import enterprises (.xlsx or .csv) under the user's scope; nothing saved if any row is invalid."
    importer_class = EnterpriseImporter
