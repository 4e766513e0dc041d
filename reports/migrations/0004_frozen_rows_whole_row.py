"""PostgreSQL triggers, second version: an accepted progress report's whole row is frozen.

Migration 0003 froze a list of columns and so left others open: a bulk update
could still move an accepted report's deadline (a late report made on time),
its area or federation flag (into another scope), or blank who submitted and
who reviewed it. These functions compare the whole row instead, so a column
added later is frozen without another migration:

- accepted: nothing changes except `is_latest` going from true to false, which
  is what a correction (reports.services.progress.report_correct) does to the
  version it supersedes; no delete.
- submitted / resubmitted: only HQ's review may change the row (status to
  returned or accepted, hq_comments, reviewed_at, reviewed_by, updated_at);
  the frozen figures, text, dates, unit and authors stay; no delete.
- draft / returned: the unit edits freely, but the status only moves as the
  workflow moves it (draft → submitted, returned → resubmitted), so a bulk
  update cannot turn a draft into an accepted report.
- a finalised acceptance: reviewed and left as 0003 wrote it, which already
  refuses every update and delete of the row (no column is left open).

The report trigger fires AFTER the row is written, so the table's own
constraints answer first (making an old version latest again is a unique
violation, as before) and the row compared is the one that would be stored.

submitted_by, reviewed_by and finalised_by become PROTECT: deleting a user
named on a report would otherwise try to blank the name (SET_NULL), which the
trigger refuses with an error; PROTECT gives the admin its ordinary "protected
objects" answer instead. Deactivate a departing clerk's account.

On other databases (the SQLite demo) the services' checks stand alone.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REPORT_FROZEN = """
CREATE OR REPLACE FUNCTION reports_progressreport_frozen() RETURNS trigger AS $$
DECLARE
    allowed reports_progressreport%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'progress report % was submitted and cannot be deleted', OLD.id;
        END IF;
        RETURN OLD;
    END IF;

    IF OLD.status = 'accepted' THEN
        allowed := OLD;
        allowed.is_latest := NEW.is_latest;
        IF NEW IS DISTINCT FROM allowed OR (NEW.is_latest AND NOT OLD.is_latest) THEN
            RAISE EXCEPTION 'progress report % is accepted and cannot change', OLD.id;
        END IF;
        RETURN NEW;
    END IF;

    IF OLD.status IN ('submitted', 'resubmitted') THEN
        IF NEW.status NOT IN (OLD.status, 'returned', 'accepted') THEN
            RAISE EXCEPTION 'progress report % is frozen (status %): it can only be returned or accepted',
                OLD.id, OLD.status;
        END IF;
        allowed := OLD;
        allowed.status := NEW.status;
        allowed.hq_comments := NEW.hq_comments;
        allowed.reviewed_at := NEW.reviewed_at;
        allowed.reviewed_by_id := NEW.reviewed_by_id;
        allowed.updated_at := NEW.updated_at;
        IF NEW IS DISTINCT FROM allowed THEN
            RAISE EXCEPTION 'progress report % is frozen (status %)', OLD.id, OLD.status;
        END IF;
        RETURN NEW;
    END IF;

    IF (OLD.status = 'draft' AND NEW.status NOT IN ('draft', 'submitted'))
        OR (OLD.status = 'returned' AND NEW.status NOT IN ('returned', 'resubmitted')) THEN
        RAISE EXCEPTION 'progress report % cannot go from % to % (submit it first)',
            OLD.id, OLD.status, NEW.status;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS reports_progressreport_frozen ON reports_progressreport;
CREATE TRIGGER reports_progressreport_frozen
    AFTER UPDATE OR DELETE ON reports_progressreport
    FOR EACH ROW EXECUTE FUNCTION reports_progressreport_frozen();
"""

# Migration 0003's function and trigger, restored when this migration is reversed.
REPORT_FROZEN_0003 = """
CREATE OR REPLACE FUNCTION reports_progressreport_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'progress report % was submitted and cannot be deleted', OLD.id;
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN ('submitted', 'resubmitted', 'accepted') AND (
        NEW.figures IS DISTINCT FROM OLD.figures
        OR NEW.previous_figures IS DISTINCT FROM OLD.previous_figures
        OR NEW.progress IS DISTINCT FROM OLD.progress
        OR NEW.typical_experience IS DISTINCT FROM OLD.typical_experience
        OR NEW.innovations IS DISTINCT FROM OLD.innovations
        OR NEW.problems IS DISTINCT FROM OLD.problems
        OR NEW.next_steps IS DISTINCT FROM OLD.next_steps
        OR NEW.submitted_at IS DISTINCT FROM OLD.submitted_at
        OR NEW.drive_id IS DISTINCT FROM OLD.drive_id
        OR NEW.period IS DISTINCT FROM OLD.period
        OR NEW.unit_key IS DISTINCT FROM OLD.unit_key
        OR NEW.version IS DISTINCT FROM OLD.version
    ) THEN
        RAISE EXCEPTION 'progress report % is frozen (status %)', OLD.id, OLD.status;
    END IF;
    IF OLD.status = 'accepted' AND (
        NEW.status IS DISTINCT FROM OLD.status
        OR NEW.hq_comments IS DISTINCT FROM OLD.hq_comments
        OR NEW.reviewed_at IS DISTINCT FROM OLD.reviewed_at
        OR NEW.first_submitted_at IS DISTINCT FROM OLD.first_submitted_at
    ) THEN
        RAISE EXCEPTION 'progress report % is accepted and cannot change', OLD.id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS reports_progressreport_frozen ON reports_progressreport;
CREATE TRIGGER reports_progressreport_frozen
    BEFORE UPDATE OR DELETE ON reports_progressreport
    FOR EACH ROW EXECUTE FUNCTION reports_progressreport_frozen();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REPORT_FROZEN, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REPORT_FROZEN_0003, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_frozen_rows_trigger"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="acceptance",
            name="finalised_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="progressreport",
            name="reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="progressreport",
            name="submitted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
