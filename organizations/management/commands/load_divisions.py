from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organizations.services.divisions import BUNDLED_DIVISIONS, DivisionFileError, load_divisions


class Command(BaseCommand):
    help = "Load administrative divisions (code,name_zh,name_en,level,parent_code) from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV file; defaults to the bundled Tibet divisions")

    def handle(self, *args, **options):
        path = Path(options["file"]) if options["file"] else BUNDLED_DIVISIONS
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None
        try:
            result = load_divisions(text)
        except DivisionFileError as error:
            raise CommandError("Nothing was loaded:\n" + "\n".join(error.errors)) from None
        self.stdout.write(
            f"{path.name}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        )
