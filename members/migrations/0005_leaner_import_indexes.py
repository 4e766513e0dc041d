"""Fewer indexes for the member import's COPY to maintain.

- Membership.union and .employer lose their single-column indexes: the
  (union, joined_on) and (employer, joined_on) indexes serve every lookup.
- On PostgreSQL, the `varchar_pattern_ops` twins Django adds beside the indexes
  on the keyed hashes go: the hashes are only ever compared whole, never with
  LIKE. (Django drops these twins with IF EXISTS if the fields change later.)
"""

import django.db.models.deletion
from django.db import migrations, models

HASH_COLUMNS = ["id_hash", "phone_hash"]


def _like_indexes(apps, schema_editor):
    member = apps.get_model("members", "Member")
    table = member._meta.db_table
    return [schema_editor._create_index_name(table, [column], suffix="_like") for column in HASH_COLUMNS]


def drop_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in _like_indexes(apps, schema_editor):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_like_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = apps.get_model("members", "Member")._meta.db_table
        for name, column in zip(_like_indexes(apps, schema_editor), HASH_COLUMNS, strict=True):
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}" varchar_pattern_ops)'
            )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_member_figure_facts_index"),
        ("organizations", "0002_download_jobs"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="employer",
            field=models.ForeignKey(
                blank=True,
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
            name="union",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="organizations.union",
                verbose_name="所属工会",
            ),
        ),
        migrations.RunPython(drop_like_indexes, create_like_indexes, elidable=False),
    ]
