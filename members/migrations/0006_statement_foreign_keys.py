"""Membership's four foreign keys, checked once per statement instead of once per row.

PostgreSQL checks a foreign key with one query per row written. A member import
of 100,000 rows writes 100,000 memberships, each naming a member, a union, an
employer and the clerk: 400,000 such queries, which made most of the time
PostgreSQL spent on the memberships' COPY (2.4-2.8 s, against 0.7 s without the
four keys; bench/RESULTS.md). The same rules are kept here by triggers that run
once per statement, over all the rows it wrote (a transition table): the same
COPY takes 1.5-1.6 s.

- on members_membership, after each INSERT and each UPDATE: every member, union,
  employer and user the written rows name must exist. They are locked FOR KEY
  SHARE, as a foreign key's check locks them, so none can be deleted (or its id
  changed) until the transaction ends. A missing one is a foreign_key_violation
  (Django's IntegrityError) naming the column and the key.
- on the four tables referred to, after each DELETE (once per statement) and
  after an id changes (per row): no membership may still name a removed row.
  Django's on_delete (PROTECT, SET_NULL) answers first, as before; these are the
  database's own guard, as the foreign keys were.

How they differ from the foreign keys they replace:
- checked as each statement ends, not deferred to the commit (no code writes a
  membership before its member);
- a delete from the referred-to tables must run in READ COMMITTED, Django's
  default, and is refused otherwise: in READ COMMITTED a delete that waited on an
  import's lock sees that import's memberships when it checks, where a REPEATABLE
  READ snapshot would not;
- TRUNCATE of a referred-to table is not refused.
On other databases (the SQLite demo) the four fields have no database constraint.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STATEMENT_FOREIGN_KEYS_REFERRED = """
-- TG_ARGV: pairs of (table that refers to this one by id, its column).
CREATE OR REPLACE FUNCTION statement_foreign_keys_referred() RETURNS trigger AS $$
DECLARE
    n int := 0;
    still text;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'rows of table "%" can only be deleted or renumbered in READ COMMITTED', TG_TABLE_NAME
            USING ERRCODE = 'serialization_failure';
    END IF;
    WHILE n < TG_NARGS LOOP
        IF TG_LEVEL = 'ROW' THEN
            EXECUTE format('SELECT %2$I::text FROM %1$I WHERE %2$I = $1 LIMIT 1', TG_ARGV[n], TG_ARGV[n + 1])
                INTO still USING OLD.id;
        ELSE
            EXECUTE format(
                'SELECT r.%2$I::text FROM %1$I r JOIN removed d ON r.%2$I = d.id LIMIT 1',
                TG_ARGV[n], TG_ARGV[n + 1]
            ) INTO still;
        END IF;
        IF still IS NOT NULL THEN
            RAISE EXCEPTION 'update or delete on table "%" violates foreign key on "%"."%"',
                TG_TABLE_NAME, TG_ARGV[n], TG_ARGV[n + 1]
                USING ERRCODE = 'foreign_key_violation',
                DETAIL = format('Key (id)=(%s) is still referenced from table "%s".', still, TG_ARGV[n]);
        END IF;
        n := n + 2;
    END LOOP;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


def _references_function(table: str, references: list[tuple[str, str]]) -> str:
    """The check of table's written rows. For each reference: the distinct ids the rows name,
    as one array; those rows locked by primary key (an index scan, however large the table
    referred to, and however the planner guesses the transition table's size); and only
    when fewer were locked than named, the first missing id, for the message. The queries
    are written out for each reference, so PL/pgSQL plans them once per session."""
    checks = "".join(
        f"""
    SELECT array_agg(DISTINCT "{column}") INTO ids FROM written WHERE "{column}" IS NOT NULL;
    IF ids IS NOT NULL THEN
        PERFORM FROM "{referred}" WHERE id = ANY(ids) FOR KEY SHARE;
        GET DIAGNOSTICS locked = ROW_COUNT;
        IF locked < cardinality(ids) THEN
            SELECT x INTO missing FROM unnest(ids) x
                WHERE NOT EXISTS (SELECT FROM "{referred}" r WHERE r.id = x) LIMIT 1;
            RAISE EXCEPTION 'insert or update on table "{table}" violates foreign key on "{column}"'
                USING ERRCODE = 'foreign_key_violation',
                DETAIL = format('Key ({column})=(%s) is not present in table "{referred}".', missing);
        END IF;
    END IF;"""
        for column, referred in references
    )
    return f"""
CREATE OR REPLACE FUNCTION "{table}_references"() RETURNS trigger AS $$
DECLARE
    ids bigint[];
    locked bigint;
    missing bigint;
BEGIN{checks}
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


COLUMNS = {"member": "members.Member", "union": "organizations.Union", "employer": "organizations.Enterprise"}


def _references(apps):
    """(column, table referred to) for each of Membership's foreign keys."""
    models = {field: apps.get_model(label) for field, label in COLUMNS.items()}
    models["created_by"] = apps.get_model(settings.AUTH_USER_MODEL)
    return [(f"{field}_id", model._meta.db_table) for field, model in models.items()]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("members", "Membership")._meta.db_table
    references = _references(apps)
    schema_editor.execute(_references_function(table, references), params=None)
    schema_editor.execute(STATEMENT_FOREIGN_KEYS_REFERRED, params=None)
    for event in ("INSERT", "UPDATE"):
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_references_{event.lower()}" AFTER {event} ON "{table}"'
            f' REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION "{table}_references"()'
        )
    for column, referred in references:
        name = f"{table}_{column}_referred"
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" AFTER DELETE ON "{referred}" REFERENCING OLD TABLE AS removed'
            f" FOR EACH STATEMENT EXECUTE FUNCTION statement_foreign_keys_referred('{table}', '{column}')"
        )
        schema_editor.execute(
            f'CREATE TRIGGER "{name}_id" AFTER UPDATE OF id ON "{referred}" FOR EACH ROW'
            f" WHEN (OLD.id IS DISTINCT FROM NEW.id)"
            f" EXECUTE FUNCTION statement_foreign_keys_referred('{table}', '{column}')"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("members", "Membership")._meta.db_table
    for event in ("insert", "update"):
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_references_{event}" ON "{table}"')
    for column, referred in _references(apps):
        name = f"{table}_{column}_referred"
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{referred}"')
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}_id" ON "{referred}"')
    schema_editor.execute(
        f'DROP FUNCTION IF EXISTS "{table}_references"(), statement_foreign_keys_referred()'
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_leaner_import_indexes"),
        ("organizations", "0002_download_jobs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="member",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="members.member",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="union",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="organizations.union",
                verbose_name="所属工会",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="employer",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="organizations.enterprise",
                verbose_name="工作单位",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
