"""python manage.py import_unions FILE --user USERNAME [--dry-run]: the browser's import, from a shell."""

from organizations.importers import UnionImporter
from organizations.tabular.command import ImportCommand


class Command(ImportCommand):
    help = "Import unions from .xlsx or .csv under the user's scope; nothing is saved if any row is invalid."
    importer_class = UnionImporter
