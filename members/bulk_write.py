"""Writing many members and memberships at once (imports, the region-scale demo).

On PostgreSQL rows go in with COPY (text format), their ids drawn from the
tables' own sequences first, so a 100,000-row import spends its time on the
rows and not on building model instances and INSERT statements; elsewhere
(SQLite, the local demo) bulk_create does the same job. People are sealed
first (`seal`: numbers encrypted, hashed and masked, one cipher pass per batch
with personal_data.encrypt_many), which is most of the Python work and needs
no database: an import seals the next chunk while the last one is written.
Callers run inside their own transaction; a clash with a unique index raises
IntegrityError as usual.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Sequence
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from members.idnumber import mask_id_number
from members.models import Member, Membership
from members.personal_data import encrypt_many, keyed_hashes
from members.phone import mask_phone


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


class SealedPerson(NamedTuple):
    """A new person as the members table holds them: numbers encrypted, hashed and masked."""

    name: str
    id_hash: str
    id_encrypted: str
    id_masked: str
    birth_date: dt.date
    sex: str
    ethnicity: str
    phone_hash: str
    phone_encrypted: str
    phone_masked: str
    hukou_place: str
    is_migrant: bool


class NewMembership(NamedTuple):
    member_id: int
    union_id: int
    employer_id: int | None
    joined_on: dt.date
    channel: str
    left_on: dt.date | None = None
    end_reason: str = ""
    created_by_id: int | None = None


MEMBER_COLUMNS = ["id", *SealedPerson._fields, "created_at", "updated_at", "version"]
MEMBERSHIP_COLUMNS = [*NewMembership._fields, "created_at"]


def seal(people: Sequence[NewPerson]) -> list[SealedPerson]:
    phones = [p.phone for p in people]
    ids_encrypted = encrypt_many([p.id_number for p in people])
    phones_encrypted = encrypt_many(phones)
    phone_hashes = keyed_hashes(phones)
    return [
        SealedPerson(
            person.name,
            person.id_hash,
            id_encrypted,
            mask_id_number(person.id_number),
            person.birth_date,
            person.sex,
            person.ethnicity,
            phone_hash if person.phone else "",
            phone_encrypted,
            mask_phone(person.phone) if person.phone else "",
            person.hukou_place,
            person.is_migrant,
        )
        for person, id_encrypted, phone_encrypted, phone_hash in zip(
            people, ids_encrypted, phones_encrypted, phone_hashes, strict=True
        )
    ]


def insert_members(people: Sequence[NewPerson]) -> dict[str, int]:
    """Insert people; return their ids by keyed hash."""
    return insert_sealed(seal(people))


def insert_sealed(people: Sequence[SealedPerson]) -> dict[str, int]:
    """Insert sealed people; return their ids by keyed hash."""
    if not people:
        return {}
    now = timezone.now()
    if connection.vendor != "postgresql":
        members = [Member(**person._asdict(), created_at=now, updated_at=now) for person in people]
        Member.objects.bulk_create(members)
        return {m.id_hash: m.pk for m in members}
    ids = next_ids(Member, len(people))
    copy_into(Member, member_copy_data(ids, people, now))
    return {person.id_hash: pk for person, pk in zip(people, ids, strict=True)}


def insert_memberships(memberships: Sequence[NewMembership]) -> None:
    if not memberships:
        return
    now = timezone.now()
    if connection.vendor != "postgresql":
        Membership.objects.bulk_create(
            [Membership(**m._asdict(), created_at=now) for m in memberships], batch_size=2000
        )
        return
    copy_into(Membership, membership_copy_data(memberships, now))


# PostgreSQL's side: COPY data is made apart from sending it, so that an import can make
# the next chunk's while a second thread sends the last one and waits on the server.


def member_copy_data(ids: Sequence[int], people: Sequence[SealedPerson], now: dt.datetime) -> bytes:
    stamp = now.isoformat()
    return "".join(
        [
            f"{pk}\t{_text(p.name)}\t{p.id_hash}\t{p.id_encrypted}\t{p.id_masked}\t{p.birth_date}\t{p.sex}"
            f"\t{_text(p.ethnicity)}\t{p.phone_hash}\t{p.phone_encrypted}\t{p.phone_masked}"
            f"\t{_text(p.hukou_place)}\t{'t' if p.is_migrant else 'f'}\t{stamp}\t{stamp}\t1\n"
            for pk, p in zip(ids, people, strict=True)
        ]
    ).encode()


def membership_copy_data(memberships: Sequence[NewMembership], now: dt.datetime) -> bytes:
    stamp = now.isoformat()
    return "".join(
        [
            f"{m.member_id}\t{m.union_id}\t{_null(m.employer_id)}\t{m.joined_on}\t{m.channel}"
            f"\t{_null(m.left_on)}\t{_text(m.end_reason)}\t{_null(m.created_by_id)}\t{stamp}\n"
            for m in memberships
        ]
    ).encode()


def copy_into(model, data: bytes, *, cursor=None) -> None:
    """COPY data (from member_copy_data or membership_copy_data) into model's table, on
    `cursor` when given (a psycopg2 cursor of the caller's connection, as an import's
    writer thread has). The data goes as one block: psycopg2 lets go of the GIL while it
    sends it and waits on the server."""
    columns = {Member: MEMBER_COLUMNS, Membership: MEMBERSHIP_COLUMNS}[model]
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with _using(cursor) as cursor:
        cursor.copy_expert(sql, io.BytesIO(data), size=max(len(data), 1))


def next_ids(model, count: int) -> list[int]:
    """count ids from the table's own sequence, as one array (not count result rows). The
    sequence is named first: pg_get_serial_sequence in the array query would run per row."""
    if not count:
        return []
    with _using(None) as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        sequence = cursor.fetchone()[0]
        cursor.execute(
            "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", [sequence, count]
        )
        return cursor.fetchone()[0]


# COPY's text format: tab-separated, \N for NULL, backslash escapes in text.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    return value.translate(_ESCAPES)


def _null(value) -> str:
    return "\\N" if value is None else str(value)


@contextlib.contextmanager
def _using(cursor):
    """The given cursor, or one of Django's connection with its errors translated."""
    if cursor is not None:
        yield cursor
        return
    with connection.cursor() as django_cursor, connection.wrap_database_errors:
        yield django_cursor
