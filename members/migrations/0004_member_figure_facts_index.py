"""A covering index for drives.figures, on PostgreSQL only.

The figures join every membership to its person for two facts (is_migrant,
birth_date). Read from the member table itself, that join scans the wide rows
with their encrypted fields (427 MB at a million members); from this index it
is an index-only scan of 30 MB. SQLite has no INCLUDE and needs none.
"""

from django.db import migrations

INDEX = "member_figure_facts"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_member (id) INCLUDE (is_migrant, birth_date)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0003_join_applications_import_jobs")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
