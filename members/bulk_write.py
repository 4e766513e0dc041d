"""Writing many members and memberships at once (imports, the region-scale demo).

On PostgreSQL rows go in with COPY, their ids drawn from the tables' own
sequences first, so a 100,000-row import spends its time on the rows and not
on building model instances and INSERT statements; elsewhere (SQLite, the
local demo) bulk_create does the same job. Personal numbers are encrypted in
one pass per batch (personal_data.encrypt_many). Callers run inside their own
transaction; a clash with a unique index raises IntegrityError as usual.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from members.idnumber import mask_id_number
from members.models import Member, Membership
from members.personal_data import encrypt_many, keyed_hash
from members.phone import mask_phone

MEMBER_COLUMNS = [
    "id",
    "name",
    "id_hash",
    "id_encrypted",
    "id_masked",
    "birth_date",
    "sex",
    "ethnicity",
    "phone_hash",
    "phone_encrypted",
    "phone_masked",
    "hukou_place",
    "is_migrant",
    "created_at",
    "updated_at",
    "version",
]
MEMBERSHIP_COLUMNS = [
    "member_id",
    "union_id",
    "employer_id",
    "joined_on",
    "channel",
    "left_on",
    "end_reason",
    "created_at",
    "created_by_id",
]


class NewPerson(NamedTuple):
    id_number: str  # normalised and valid
    id_hash: str
    name: str
    birth_date: dt.date
    sex: str
    ethnicity: str
    phone: str = ""
    hukou_place: str = ""
    is_migrant: bool = True


class NewMembership(NamedTuple):
    member_id: int
    union_id: int
    employer_id: int | None
    joined_on: dt.date
    channel: str
    left_on: dt.date | None = None
    end_reason: str = ""
    created_by_id: int | None = None


def insert_members(people: Sequence[NewPerson]) -> dict[str, int]:
    """Insert people; return their ids by keyed hash."""
    if not people:
        return {}
    ids_encrypted = encrypt_many([p.id_number for p in people])
    phones_encrypted = encrypt_many([p.phone for p in people])
    now = timezone.now()
    if connection.vendor != "postgresql":
        members = [
            Member(
                **_member_values(person, id_encrypted, phone_encrypted),
                created_at=now,
                updated_at=now,
            )
            for person, id_encrypted, phone_encrypted in zip(
                people, ids_encrypted, phones_encrypted, strict=True
            )
        ]
        Member.objects.bulk_create(members)
        return {m.id_hash: m.pk for m in members}
    ids = _next_ids(Member, len(people))
    stamp = now.isoformat()
    rows = (
        (
            pk,
            person.name,
            person.id_hash,
            id_encrypted,
            mask_id_number(person.id_number),
            person.birth_date,
            person.sex,
            person.ethnicity,
            keyed_hash(person.phone) if person.phone else "",
            phone_encrypted,
            mask_phone(person.phone) if person.phone else "",
            person.hukou_place,
            "t" if person.is_migrant else "f",
            stamp,
            stamp,
            1,
        )
        for pk, person, id_encrypted, phone_encrypted in zip(
            ids, people, ids_encrypted, phones_encrypted, strict=True
        )
    )
    _copy(Member._meta.db_table, MEMBER_COLUMNS, rows, nullable=False)
    return {person.id_hash: pk for person, pk in zip(people, ids, strict=True)}


def _member_values(person: NewPerson, id_encrypted: str, phone_encrypted: str) -> dict:
    return {
        "name": person.name,
        "id_hash": person.id_hash,
        "id_encrypted": id_encrypted,
        "id_masked": mask_id_number(person.id_number),
        "birth_date": person.birth_date,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "phone_hash": keyed_hash(person.phone) if person.phone else "",
        "phone_encrypted": phone_encrypted,
        "phone_masked": mask_phone(person.phone) if person.phone else "",
        "hukou_place": person.hukou_place,
        "is_migrant": person.is_migrant,
    }


def insert_memberships(memberships: Sequence[NewMembership]) -> None:
    if not memberships:
        return
    now = timezone.now()
    if connection.vendor != "postgresql":
        Membership.objects.bulk_create(
            [Membership(**m._asdict(), created_at=now) for m in memberships], batch_size=2000
        )
        return
    stamp = now.isoformat()
    rows = (
        (
            m.member_id,
            m.union_id,
            m.employer_id,
            m.joined_on,
            m.channel,
            m.left_on,
            m.end_reason,
            stamp,
            m.created_by_id,
        )
        for m in memberships
    )
    _copy(Membership._meta.db_table, MEMBERSHIP_COLUMNS, rows)


_NULL = "\\N"


def _copy(table: str, columns: list[str], rows, *, nullable: bool = True) -> None:
    """COPY rows in CSV form. None is NULL (written as \\N); "" stays an empty string.
    Rows without None (nullable=False) go to the csv writer as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if nullable:
        rows = ([_NULL if value is None else value for value in row] for row in rows)
    writer.writerows(rows)
    buffer.seek(0)
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '{_NULL}')"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.copy_expert(sql, buffer)


def _next_ids(model, count: int) -> list[int]:
    """count ids from the table's own sequence, as one array (not count result rows)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) FROM generate_series(1, %s)",
            [table, count],
        )
        return cursor.fetchone()[0]
