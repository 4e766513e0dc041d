"""The management commands `import_enterprises`, `import_unions`, `import_members`
share this: FILE --user USERNAME [--dry-run], the user's scope, a summary, and
a non-zero exit listing every bad row and column when anything is invalid."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organizations.models import User


class ImportCommand(BaseCommand):
    importer_class = None  # set by each command

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="username whose scope the import runs under")
        parser.add_argument("--dry-run", action="store_true", help="validate only; save nothing")

    def handle(self, *args, file, user, dry_run, **options):
        try:
            account = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user named {user!r}") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        importer = self.importer_class(account)
        with path.open("rb") as handle:
            result = importer.run(handle, dry_run=dry_run)
        if result.file_error:
            raise CommandError(f"{path.name}: {result.file_error} Nothing saved.")
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            rows = len(result.errors_by_row())
            problems = len(result.errors)
            raise CommandError(
                f"{path.name}: {result.total} rows, {rows} with errors ({problems} problems). Nothing saved."
            )
        if dry_run:
            self.stdout.write(f"{path.name}: {result.total} rows, all valid (dry run, nothing saved).")
        else:
            self.stdout.write(f"{path.name}: {result.total} rows, {result.saved} saved.")
