"""Freshness of the roll-up's snapshots: every change to the records the figures read is noted.

Triggers on each table drives.figures reads write a row to drives_datachange
saying from which day the change can move a figure (a membership from its
joined or left day, an enterprise from its registration, a target or an area
from the beginning of time, …). A snapshot records what its roll-up could see
(Snapshot.seen*); a note it could not see, dated on or before its day, makes it
stale (drives.freshness), and the pages compute live until a new roll-up runs.

- PostgreSQL: one trigger per statement (over its transition table, so an
  import's COPY of 5,000 rows writes one note), noting the writing transaction
  (pg_current_xact_id) so visibility is judged against the roll-up's
  pg_current_snapshot(), however long the writing transaction stays open.
- SQLite (the demo): one trigger per row; ids are handed out in commit order
  there (one writer at a time), so the last id a roll-up saw is enough.
On UPDATE only the columns the figures read count: renaming a firm or a person
moves nothing.
"""

from dataclasses import dataclass

from django.db import migrations, models

FLOOR = "'0001-01-01'"


@dataclass(frozen=True)
class Watch:
    table: str
    # The first day a row can move a figure, over the row alias {r}, per database.
    postgresql: str
    sqlite: str
    key: str = "id"
    columns: tuple[str, ...] = ()  # the columns whose UPDATE counts; () for any
    events: tuple[str, ...] = ("INSERT", "UPDATE", "DELETE")


MEMBER_FIRST_JOINED = "(SELECT min(m.joined_on) FROM members_membership m WHERE m.member_id = {r}.id)"
UNION_FIRST_USE = (
    "(SELECT min(m.joined_on) FROM members_membership m WHERE m.union_id = {r}.id)",
    "(SELECT min(c.started_on) FROM organizations_coverage c WHERE c.union_id = {r}.id)",
)

WATCHED = [
    Watch(
        "members_membership",
        "LEAST({r}.joined_on, {r}.left_on)",
        "min({r}.joined_on, coalesce({r}.left_on, {r}.joined_on))",
    ),
    Watch(
        "members_member",
        MEMBER_FIRST_JOINED,
        MEMBER_FIRST_JOINED,
        columns=("is_migrant", "birth_date"),
        events=("UPDATE",),  # a person counts through memberships, which note themselves
    ),
    Watch(
        "organizations_union",
        "LEAST({r}.founded_on, {r}.dissolved_on, %s, %s)" % UNION_FIRST_USE,
        "min({r}.founded_on, coalesce({r}.dissolved_on, {r}.founded_on), coalesce(%s, {r}.founded_on), "
        "coalesce(%s, {r}.founded_on))" % UNION_FIRST_USE,
        columns=("kind", "area_id", "park_id", "founded_on", "dissolved_on", "federation_affiliate"),
    ),
    Watch(
        "organizations_coverage",
        "LEAST({r}.started_on, {r}.ended_on)",
        "min({r}.started_on, coalesce({r}.ended_on, {r}.started_on))",
    ),
    Watch(
        "organizations_enterprise",
        f"CASE WHEN {{r}}.registered_on IS NULL THEN DATE {FLOOR} ELSE LEAST({{r}}.registered_on, {{r}}.closed_on) END",
        f"CASE WHEN {{r}}.registered_on IS NULL THEN {FLOOR} "
        "ELSE min({r}.registered_on, coalesce({r}.closed_on, {r}.registered_on)) END",
        columns=(
            "area_id",
            "park_id",
            "sector",
            "employees",
            "migrant_workers",
            "has_party_org",
            "operating",
            "profitable",
            "registered_on",
            "closed_on",
            "federation_affiliate",
        ),
    ),
    Watch(
        "organizations_park",
        f"COALESCE({{r}}.established_on, DATE {FLOOR})",
        f"coalesce({{r}}.established_on, {FLOOR})",
        columns=("area_id", "established_on"),
    ),
    Watch("organizations_area", f"DATE {FLOOR}", FLOOR, key="code", columns=("level", "parent_id")),
    Watch("organizations_eighthavescheck", "{r}.checked_on", "{r}.checked_on"),
    Watch("drives_target", f"DATE {FLOOR}", FLOOR),
]


def _postgresql(watch: Watch) -> list[str]:
    def day(alias: str) -> str:
        return watch.postgresql.format(r=alias)

    if watch.columns:
        changed = "ROW({}) IS DISTINCT FROM ROW({})".format(
            ", ".join(f"o.{c}" for c in watch.columns), ", ".join(f"n.{c}" for c in watch.columns)
        )
    else:
        changed = "TRUE"
    function = f"drives_note_{watch.table}"
    statements = [
        f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    first_day date;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min({day("n")}) INTO first_day FROM drives_new n;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min({day("o")}) INTO first_day FROM drives_old o;
    ELSE
        SELECT LEAST(min({day("o")}), min({day("n")})) INTO first_day
        FROM drives_old o JOIN drives_new n ON o.{watch.key} = n.{watch.key}
        WHERE {changed};
    END IF;
    IF first_day IS NOT NULL THEN
        INSERT INTO drives_datachange (day, xid) VALUES (first_day, pg_current_xact_id()::text::bigint);
    END IF;
    RETURN NULL;
END $$;
"""
    ]
    transition = {
        "INSERT": "NEW TABLE AS drives_new",
        "UPDATE": "OLD TABLE AS drives_old NEW TABLE AS drives_new",
        "DELETE": "OLD TABLE AS drives_old",
    }
    for event in watch.events:
        statements.append(
            f"CREATE TRIGGER {function}_{event.lower()} AFTER {event} ON {watch.table} "
            f"REFERENCING {transition[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    return statements


def _sqlite(watch: Watch) -> list[str]:
    def day(alias: str) -> str:
        return watch.sqlite.format(r=alias)

    name = f"drives_note_{watch.table}"
    statements = []
    if "INSERT" in watch.events:
        statements.append(
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {watch.table} WHEN ({day('NEW')}) IS NOT NULL "
            f"BEGIN INSERT INTO drives_datachange (day) VALUES ({day('NEW')}); END"
        )
    if "UPDATE" in watch.events:
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in watch.columns) or "1"
        statements.append(
            f"CREATE TRIGGER {name}_update AFTER UPDATE ON {watch.table} WHEN {changed} "
            "BEGIN INSERT INTO drives_datachange (day) SELECT d FROM "
            f"(SELECT min(x) AS d FROM (SELECT {day('OLD')} AS x UNION ALL SELECT {day('NEW')})) "
            "WHERE d IS NOT NULL; END"
        )
    if "DELETE" in watch.events:
        statements.append(
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {watch.table} WHEN ({day('OLD')}) IS NOT NULL "
            f"BEGIN INSERT INTO drives_datachange (day) VALUES ({day('OLD')}); END"
        )
    return statements


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    build = {"postgresql": _postgresql, "sqlite": _sqlite}.get(vendor)
    if build is None:
        return
    with schema_editor.connection.cursor() as cursor:
        for watch in WATCHED:
            for statement in build(watch):
                cursor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for watch in WATCHED:
            name = f"drives_note_{watch.table}"
            for event in watch.events:
                if vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}_{event.lower()} ON {watch.table}")
                elif vendor == "sqlite":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}_{event.lower()}")
            if vendor == "postgresql":
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):

    dependencies = [
        ('drives', '0002_constraint_messages'),
        ('members', '0006_statement_foreign_keys'),
        ('organizations', '0002_download_jobs'),
    ]

    operations = [
        migrations.AddField(
            model_name='snapshot',
            name='seen',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='snapshot',
            name='seen_change',
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='snapshot',
            name='seen_xid',
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.CreateModel(
            name='DataChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('xid', models.BigIntegerField(blank=True, null=True)),
            ],
            options={
                'verbose_name': '数据变更记录',
                'verbose_name_plural': '数据变更记录',
                'indexes': [models.Index(fields=['day'], name='drives_data_day_1d5551_idx')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
