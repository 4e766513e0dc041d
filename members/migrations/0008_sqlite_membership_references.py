"""The SQLite demo gets membership's four references as triggers too (PostgreSQL: migration 0006).

The four columns are db_constraint=False (on PostgreSQL per-statement triggers keep them, for the
import's speed), so on SQLite nothing stopped a membership naming a member, union, employer or
user that does not exist, or a delete that left one pointing nowhere. SQLite triggers cannot see
a whole statement, so these check each row, which the demo's sizes afford:

- before a membership is inserted, or one of the four columns updated: the row it names exists;
- before a member, union, enterprise or user is deleted, or its id changed: no membership names
  it (Django's on_delete, PROTECT or SET_NULL, answers first, as on PostgreSQL).
A refusal is RAISE(ABORT, …): SQLite's constraint error, Django's IntegrityError.

What SQLite does not give: the FOR KEY SHARE locks (the demo has one writer at a time anyway).
A later migration that makes Django rebuild one of these tables on SQLite drops its triggers:
tests/sqlite_demo/sqlite_guards.py (run by tests/test_sqlite_demo.py) fails if one is missing.
"""

from django.conf import settings
from django.db import migrations

COLUMNS = {"member": "members.Member", "union": "organizations.Union", "employer": "organizations.Enterprise"}


def _references(apps):
    models = {field: apps.get_model(label) for field, label in COLUMNS.items()}
    models["created_by"] = apps.get_model(settings.AUTH_USER_MODEL)
    return [(f"{field}_id", model._meta.db_table) for field, model in models.items()]


def _triggers(table: str, references: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER statement) for each guard."""
    triggers = []
    for column, referred in references:
        missing = f'NEW."{column}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "{referred}" WHERE id = NEW."{column}")'
        message = f'insert or update on table "{table}" violates foreign key on "{column}"'
        for event, when in (("INSERT", "INSERT"), ("UPDATE", f'UPDATE OF "{column}"')):
            name = f"{table}_{column}_{event.lower()}_sqlite"
            triggers.append(
                (
                    name,
                    f'CREATE TRIGGER "{name}" BEFORE {when} ON "{table}" FOR EACH ROW WHEN {missing}'
                    f" BEGIN SELECT RAISE(ABORT, '{message}'); END",
                )
            )
        still = f'EXISTS (SELECT 1 FROM "{table}" WHERE "{column}" = OLD.id)'
        message = f'update or delete on table "{referred}" violates foreign key on "{table}"."{column}"'
        for event, when in (("DELETE", "DELETE"), ("ID", "UPDATE OF id")):
            name = f"{table}_{column}_referred_{event.lower()}_sqlite"
            condition = still if event == "DELETE" else f"OLD.id IS NOT NEW.id AND {still}"
            triggers.append(
                (
                    name,
                    f'CREATE TRIGGER "{name}" BEFORE {when} ON "{referred}" FOR EACH ROW WHEN {condition}'
                    f" BEGIN SELECT RAISE(ABORT, '{message}'); END",
                )
            )
    return triggers


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    table = apps.get_model("members", "Membership")._meta.db_table
    for _name, sql in _triggers(table, _references(apps)):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    table = apps.get_model("members", "Membership")._meta.db_table
    for name, _sql in _triggers(table, _references(apps)):
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_import_job_heartbeat"),
        ("organizations", "0004_download_job_heartbeat"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forward, backward)]
