"""PostgreSQL triggers: an accepted progress report and a finalised acceptance never change.

Services refuse such writes with a clerk-readable message; these triggers
make sure no other path (admin, shell, a bug) can either. A report that is
submitted but not yet reviewed keeps its frozen figures and text too; only
its status and HQ's review may change. On other databases (the SQLite demo)
the services' checks stand alone.
"""

from django.db import migrations

REPORT_FROZEN = """
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
CREATE TRIGGER reports_progressreport_frozen
    BEFORE UPDATE OR DELETE ON reports_progressreport
    FOR EACH ROW EXECUTE FUNCTION reports_progressreport_frozen();

CREATE OR REPLACE FUNCTION reports_acceptance_final() RETURNS trigger AS $$
BEGIN
    IF OLD.finalised_at IS NOT NULL THEN
        RAISE EXCEPTION 'acceptance % is finalised and cannot change', OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER reports_acceptance_final
    BEFORE UPDATE OR DELETE ON reports_acceptance
    FOR EACH ROW EXECUTE FUNCTION reports_acceptance_final();
"""

DROP = """
DROP TRIGGER IF EXISTS reports_progressreport_frozen ON reports_progressreport;
DROP FUNCTION IF EXISTS reports_progressreport_frozen();
DROP TRIGGER IF EXISTS reports_acceptance_final ON reports_acceptance;
DROP FUNCTION IF EXISTS reports_acceptance_final();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REPORT_FROZEN, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_acceptance_cases_inspections")]

    operations = [migrations.RunPython(create, drop)]
