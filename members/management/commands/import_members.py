"""python manage.py import_members FILE --user USERNAME [--dry-run]: the browser's member import."""

from members.importer import MemberImporter
from organizations.tabular.command import ImportCommand


class Command(ImportCommand):
    help = "Import members (DESIGN's members template) under a user's scope; all rows or none."
    importer_class = MemberImporter
