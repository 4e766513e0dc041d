"""The SQLite demo gets the frozen-report guards too (PostgreSQL: migrations 0003 and 0004).

The same rules, as SQLite triggers that RAISE(ABORT, …) (Django's IntegrityError):
- a progress report that is not a draft is never deleted;
- accepted: no column changes, except is_latest going from true to false (a correction);
- submitted / resubmitted: only HQ's review changes it (status to returned or accepted,
  hq_comments, reviewed_at, reviewed_by, updated_at);
- draft / returned: the status moves only as the workflow does (draft → submitted,
  returned → resubmitted);
- a finalised acceptance: no change, no delete.

SQLite has no whole-row comparison, so "every column" is the table's columns when this
migration runs: a column added later is frozen only once a migration recreates these
triggers (README: what the demo does not guarantee). A later migration that makes Django
rebuild either table on SQLite drops its triggers; tests/sqlite_demo/sqlite_guards.py fails then.
"""

from django.db import migrations

REVIEW = ("status", "hq_comments", "reviewed_at", "reviewed_by_id", "updated_at")


def _changed(columns) -> str:
    return " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns)


def _triggers(report, acceptance) -> list[tuple[str, str]]:
    table = report._meta.db_table
    columns = [f.column for f in report._meta.concrete_fields]
    rules = {
        "deleted": ("DELETE", "OLD.status <> 'draft'", "progress report was submitted and cannot be deleted"),
        "accepted": (
            "UPDATE",
            f"OLD.status = 'accepted' AND ({_changed(c for c in columns if c != 'is_latest')}"
            " OR (NEW.is_latest AND NOT OLD.is_latest))",
            "progress report is accepted and cannot change",
        ),
        "submitted": (
            "UPDATE",
            "OLD.status IN ('submitted', 'resubmitted') AND (NEW.status NOT IN (OLD.status, 'returned', 'accepted')"
            f" OR {_changed(c for c in columns if c not in REVIEW)})",
            "progress report is frozen: it can only be returned or accepted",
        ),
        "workflow": (
            "UPDATE",
            "(OLD.status = 'draft' AND NEW.status NOT IN ('draft', 'submitted'))"
            " OR (OLD.status = 'returned' AND NEW.status NOT IN ('returned', 'resubmitted'))",
            "progress report cannot go from that status to this one (submit it first)",
        ),
    }
    triggers = [
        (
            f"{table}_{rule}_sqlite",
            f'CREATE TRIGGER "{table}_{rule}_sqlite" BEFORE {event} ON "{table}" FOR EACH ROW WHEN {when}'
            f" BEGIN SELECT RAISE(ABORT, '{message}'); END",
        )
        for rule, (event, when, message) in rules.items()
    ]
    final = acceptance._meta.db_table
    for event in ("UPDATE", "DELETE"):
        name = f"{final}_final_{event.lower()}_sqlite"
        triggers.append(
            (
                name,
                f'CREATE TRIGGER "{name}" BEFORE {event} ON "{final}" FOR EACH ROW'
                " WHEN OLD.finalised_at IS NOT NULL"
                " BEGIN SELECT RAISE(ABORT, 'acceptance is finalised and cannot change'); END",
            )
        )
    return triggers


def _models(apps):
    return apps.get_model("reports", "ProgressReport"), apps.get_model("reports", "Acceptance")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for _name, sql in _triggers(*_models(apps)):
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name, _sql in _triggers(*_models(apps)):
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_export_job_heartbeat")]

    operations = [migrations.RunPython(forward, backward)]
