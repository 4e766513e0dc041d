"""Importing members: DESIGN's members template, all rows or none.

Built for files of up to 1,000,000 rows, read and written 5,000 rows at a
time inside one transaction, so memory stays flat (the reader streams sheets
too large for calamine's grid): a repeated cell (employer, union, date, yes/no)
is parsed once per file, ID numbers and phones take fast paths that fall back
to the full parsers for anything unusual, each employer and union is looked up
once per file, people already on record are found by their keyed hash with one
array query per chunk, and new rows go in with COPY, sent on a second thread
while the next chunk is read and prepared (_ChunkWriter). Every row is checked
(duplicates in the file, people already active elsewhere, anything outside the
user's scope, dates) and the first bad row stops the writing: the transaction is
rolled back, and the clerk still sees every problem (up to MAX_ERRORS).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from drives.freshness import refresh_soon
from members.bulk_write import (
    NewMembership,
    NewPerson,
    SealedPerson,
    copy_into,
    insert_memberships,
    insert_sealed,
    member_copy_data,
    membership_copy_data,
    next_ids,
    seal,
)
from members.ethnicity import ETHNIC_GROUPS, normalize_ethnicity
from members.idnumber import CHECK, EARLIEST_BIRTH, WEIGHTS, IdNumber, make_id_number, parse_id_number
from members.models import JoinChannel, Member, Membership
from members.personal_data import keyed_hashes
from members.phone import normalize_phone
from organizations import audit
from organizations.creditcode import CreditCodeError, normalize_credit_code
from organizations.models import AuditAction, Enterprise, Union
from organizations.permissions import Perm, has_perm
from organizations.tabular.columns import (
    MAX_ERRORS,
    Field,
    Parsed,
    ParsedRow,
    RowError,
    choice_parser,
    map_headers,
    parse_date,
    parse_person_name,
    parse_text,
    parse_yes_no,
)
from organizations.tabular.importer import Importer, ImportResult
from organizations.tabular.reading import SpreadsheetError, cell_text, read_table

CHUNK = 5000
HASH_CHUNK = 5000

ID, PHONE, EMPLOYER, UNION, JOINED = "身份证号", "手机号", "工作单位", "所属工会", "入会日期"


def repeated(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Remember a parser's answers: a roster repeats its employers, unions, dates and
    yes/no cells thousands of times. Refusals (ValueError) are not remembered."""
    remembered = functools.lru_cache(maxsize=4096)(parse)

    def parse_cell(value: Any) -> Any:
        try:
            return remembered(value)
        except TypeError:  # an unhashable cell value
            return parse(value)

    return parse_cell


def parse_id_cell(value: Any) -> IdNumber:
    if isinstance(value, float) and value > 1e15:
        # Excel keeps 15 significant digits: the last ones of the number are gone.
        raise ValueError("身份证号被 Excel 存成了数字，末几位已丢失；请将该列设为“文本”后重新填写")
    return parse_id_number(cell_text(value))


def parse_phone_cell(value: Any) -> str:
    return normalize_phone(cell_text(value))


_ID_WEIGHT_OFFSET = 48 * sum(WEIGHTS)  # the ASCII code of "0" times every weight
_EARLIEST_BIRTH = EARLIEST_BIRTH


class _IdParser:
    """parse_id_cell for a whole file: a plain 18-character ASCII number (nearly every
    cell) is checked here without building intermediate strings, birth dates are
    remembered by their eight digits, and anything else — spaces, full-width digits,
    a lowercase x, any error — goes through parse_id_cell for its exact message."""

    def __init__(self, today: dt.date):
        self.today = today
        self.births: dict[str, dt.date | None] = {}

    def __call__(self, value: Any) -> IdNumber:
        if type(value) is str and len(value) == 18 and value.isascii() and value[:17].isdigit():
            last = value[17]
            if CHECK[(sum(map(operator.mul, value.encode(), WEIGHTS)) - _ID_WEIGHT_OFFSET) % 11] == last:
                digits = value[6:14]
                birth = self.births.get(digits, False)
                if birth is False:
                    birth = self.births[digits] = self._birth(digits)
                if birth is not None:
                    return IdNumber(value, birth, "M" if int(value[16]) % 2 else "F")
        return parse_id_cell(value)

    def _birth(self, digits: str) -> dt.date | None:
        try:
            birth = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            return None
        return birth if _EARLIEST_BIRTH <= birth <= self.today else None


def _parse_phone_fast(value: Any) -> str:
    if (
        type(value) is str
        and len(value) == 11
        and value.isascii()
        and value.isdigit()
        and value[0] == "1"
        and value[1] in "3456789"
    ):
        return value
    return parse_phone_cell(value)


def parse_ethnicity_cell(value: Any) -> str:
    return normalize_ethnicity(cell_text(value))


class MemberImporter(Importer):
    name = "members"
    title = "会员名册"
    fields = [
        Field("name", "姓名", parse_person_name),
        Field("id_number", ID, parse_id_cell),
        Field("ethnicity", "民族", repeated(parse_ethnicity_cell)),
        Field("phone", PHONE, parse_phone_cell, required=False),
        Field("hukou_place", "户籍地", repeated(parse_text), required=False),
        Field("is_migrant", "是否农牧民工", repeated(parse_yes_no)),
        Field("employer", EMPLOYER, repeated(parse_text)),
        Field("union", UNION, repeated(parse_text)),
        Field("joined_on", JOINED, repeated(parse_date)),
        Field("channel", "入会方式", repeated(choice_parser(JoinChannel)), required=False),
    ]
    example = [
        "扎西次仁",
        make_id_number("540102", dt.date(1992, 4, 8), 15),
        "藏族",
        "13908901234",
        "西藏拉萨市城关区",
        "是",
        "拉萨市城关区格桑建筑工程有限公司",
        "拉萨市城关区格桑建筑工程有限公司工会",
        "2015-03-01",
        "源头入会",
    ]
    notes = [
        "每行一名会员。表头可用中文或英文（name、id_number、ethnicity……）。",
        "身份证号：18位，末位X大小写均可；请将该列设为“文本”，否则 Excel 会丢失末几位。",
        "民族：填56个民族之一，如“藏族”“汉族”。手机号：11位大陆手机号，可空。",
        "工作单位：填统一社会信用代码或系统中登记的完整名称；所属工会：填工会编号或完整名称；两者都须在您的管辖范围内。",
        "入会方式可空（默认“其他”）。转入会员请用转会凭证办理，不要在此导入。",
        "已是其他工会在册会员的人员不能导入，请由原工会开具转会凭证。",
        "整个文件检查无误后才会一次性保存；任何一行有误则一行也不保存。",
    ]

    def __init__(self, user, *, progress: Callable[[int], None] | None = None):
        super().__init__(user)
        self.progress = progress
        self.today = timezone.localdate()

    def choices(self) -> dict[int, list[str]]:
        index = {f.key: i for i, f in enumerate(self.fields)}
        channels = [str(c.label) for c in JoinChannel if c != JoinChannel.TRANSFER_IN]
        return {
            index["is_migrant"]: ["是", "否"],
            index["channel"]: channels,
            index["ethnicity"]: ETHNIC_GROUPS,
        }

    def run(self, file: IO[bytes], *, dry_run: bool = False, progress=None) -> ImportResult:
        try:
            return self._run_in_chunks(file, dry_run=dry_run)
        except IntegrityError:
            # Another import saved some of the same people between our check and our
            # write (the unique indexes refused ours, so nothing of it was kept). The
            # check, run again, now names those rows.
            file.seek(0)
            result = self._run_in_chunks(file, dry_run=True)
            result.dry_run = dry_run
            if result.ok:
                result.file_error = "保存时与另一项同时进行的导入冲突，未保存任何数据，请重新导入。"
            return result

    def _run_in_chunks(self, file: IO[bytes], *, dry_run: bool) -> ImportResult:
        """The shared pipeline's three steps, a chunk of rows at a time, so memory stays
        flat however long the file. Chunks are written as they pass, inside one
        transaction; the first bad row stops the writing (checking goes on, to list
        every problem) and the transaction is rolled back: all rows or none."""
        result = ImportResult(dry_run=dry_run)
        if not has_perm(self.user, Perm.IMPORT):
            result.file_error = "该账号没有导入权限（只读账号不能导入）。"
            return result
        self._seen: dict[int, int] = {}  # first 64 bits of each keyed hash → its row
        self._employers: dict[str, tuple[int | None, str | None]] = {}
        self._union_outcomes: dict[str, tuple[int | None, str | None]] = {}
        self._unions: dict[int, Union] = {}
        try:
            with transaction.atomic(), _ChunkWriter() as self._writer:
                table = read_table(file)
                positions = map_headers(table.headers, self.fields)  # a missing column fails before any row
                self._prepare_write(dry_run)
                for chunk in _chunks(table.rows, CHUNK):
                    result.total += len(chunk)
                    if len(result.errors) >= MAX_ERRORS:
                        continue  # refused anyway: only count the rest
                    parsed = self._parse(chunk, positions)
                    rows, errors = self._check_within_file(parsed)
                    result.errors += parsed.errors + errors
                    # Sealing and formatting need no query: they go on while the last chunk is written.
                    new = None if result.errors or dry_run else self._seal(rows)
                    self._writer.wait()  # the last chunk is written: the connection is free
                    result.errors += self._check_against_database(rows)
                    if not result.errors and not dry_run:
                        result.saved += self.write(parsed.rows, new)
                    self._report(result.total)
                self._writer.wait()
                if result.total == 0:
                    result.file_error = "文件中没有数据行（第一行应为表头，从第二行起为数据）。"
                if not result.ok or dry_run:
                    raise _NothingToKeep
                audit.record(
                    user=self.user,
                    action=AuditAction.IMPORT,
                    changes={"import": self.name, "rows": result.saved},
                )
                refresh_soon()  # figures the imported members move are rolled up again
        except SpreadsheetError as error:
            result.file_error = str(error)
        except _NothingToKeep:
            pass
        if not result.ok:
            result.saved = 0
        result.errors = sorted(result.errors[:MAX_ERRORS], key=lambda e: (e.row, e.column))
        return result

    # Parsing, one chunk at a time: parse_rows' rules and messages, faster.

    def _parse(self, chunk: list[tuple[int, list[Any]]], positions: dict[str, int]) -> Parsed:
        """Cells → values for one chunk, as organizations.tabular.columns.parse_rows does it
        (same rules, same messages), with each column's answers remembered for the whole
        file: a roster repeats its employers, unions, dates and yes/no cells thousands of
        times. ID numbers and phones, different on every row, take their fast paths."""
        if not hasattr(self, "_plan"):
            parse_id = _IdParser(dt.date.today())  # as parse_id_number decides "today"
            self._plan = [
                (
                    f.key,
                    f.header,
                    parse_id if f.key == "id_number" else _parse_phone_fast if f.key == "phone" else f.parse,
                    f.required,
                    positions.get(f.key, 1 << 30),
                    None if f.key in ("id_number", "phone") else {},
                )
                for f in self.fields
            ]
        plan = self._plan
        rows: list[ParsedRow] = []
        errors: list[RowError] = []
        for number, cells in chunk:
            width = len(cells)
            values: dict[str, Any] = {}
            ok = True
            for key, header, parse, required, position, known in plan:
                raw = cells[position] if position < width else None
                if known is not None and type(raw) is str and raw in known:
                    values[key] = known[raw]
                    continue
                if raw is None or raw == "" or cell_text(raw) == "":
                    if required:
                        ok = False
                        errors.append(RowError(number, header, "不能为空"))
                    values[key] = None
                    continue
                try:
                    value = values[key] = parse(raw)
                except ValueError as error:
                    ok = False
                    errors.append(RowError(number, header, str(error)))
                    continue
                if known is not None and type(raw) is str and len(known) < 100_000:
                    known[raw] = value
            if ok:
                rows.append(ParsedRow(number, values))
        return Parsed(rows, errors, len(chunk))

    # Validation, one chunk at a time.

    def _check_within_file(self, parsed: Parsed) -> tuple[list[ParsedRow], list[RowError]]:
        """Checks that need no query; returns each person's first row and the errors."""
        errors: list[RowError] = []
        rows = []
        hashes = keyed_hashes([row.values["id_number"].value for row in parsed.rows])
        for row, id_hash in zip(parsed.rows, hashes, strict=True):
            values = row.values
            if values["channel"] == JoinChannel.TRANSFER_IN:
                errors.append(RowError(row.number, "入会方式", "转入会员请用转会凭证办理"))
            values["id_hash"] = id_hash
            key = int(id_hash[:16], 16)
            if key in self._seen:
                errors.append(RowError(row.number, ID, f"与第{self._seen[key]}行是同一人"))
                continue  # the first row of this person carries the other checks
            self._seen[key] = row.number
            rows.append(row)
            if values["joined_on"] > self.today:
                errors.append(RowError(row.number, JOINED, "入会日期晚于今天"))
            elif values["joined_on"] < values["id_number"].birth_date:
                errors.append(RowError(row.number, JOINED, "入会日期早于出生日期"))
        return rows, errors

    def _check_against_database(self, rows: list[ParsedRow]) -> list[RowError]:
        return self._resolve_employers(rows) + self._resolve_unions(rows) + self._check_people(rows)

    def _resolve_employers(self, rows: list[ParsedRow]) -> list[RowError]:
        known = self._employers  # text → (pk, None) or (None, message), for the whole file
        keys = {row.values["employer"] for row in rows} - known.keys()
        if keys:
            codes = {key: code for key in keys if (code := _credit_code(key))}
            names = keys - set(codes)
            found = Enterprise.objects.filter(
                credit_code__in=set(codes.values())
            ) | Enterprise.objects.filter(name__in=names)
            visible = set(
                Enterprise.objects.visible_to(self.user)
                .filter(pk__in=found.values("pk"))
                .values_list("pk", flat=True)
            )
            by_code, by_name = {}, {}
            for pk, name, code in found.values_list("pk", "name", "credit_code"):
                by_code[code] = pk
                by_name.setdefault(name, []).append(pk)
            for key in keys:
                known[key] = _outcome(key, "工作单位", codes, by_code, by_name, visible)
        return _apply(rows, "employer", EMPLOYER, known)

    def _resolve_unions(self, rows: list[ParsedRow]) -> list[RowError]:
        known = self._union_outcomes
        keys = {row.values["union"] for row in rows} - known.keys()
        if keys:
            found = Union.objects.filter(code__in=keys) | Union.objects.filter(name__in=keys)
            visible = set(
                Union.objects.visible_to(self.user)
                .filter(pk__in=found.values("pk"))
                .values_list("pk", flat=True)
            )
            by_code, by_name = {}, {}
            for union in found:
                self._unions[union.pk] = union
                by_code[union.code] = union.pk
                by_name.setdefault(union.name, []).append(union.pk)
            codes = {key: key for key in keys if key in by_code}
            for key in keys:
                known[key] = _outcome(key, "工会", codes, by_code, by_name, visible)
        errors = _apply(rows, "union", UNION, known)
        for row in rows:
            union = self._unions.get(row.values.get("union_id"))
            if union is None:
                continue
            joined = row.values["joined_on"]
            if joined < union.founded_on:
                errors.append(RowError(row.number, JOINED, f"早于工会成立日期 {union.founded_on:%Y-%m-%d}"))
            elif union.dissolved_on and joined >= union.dissolved_on:
                errors.append(
                    RowError(row.number, UNION, f"“{union.name}”已于 {union.dissolved_on:%Y-%m-%d} 撤销")
                )
        return errors

    def _check_people(self, rows: list[ParsedRow]) -> list[RowError]:
        """People already on record: active elsewhere is an error; a past member may rejoin.
        One query finds the chunk's people by keyed hash (on PostgreSQL one text parameter
        split into an array by the server, not 5,000 placeholders or an array literal for
        psycopg2 to quote), one more their memberships when any are found."""
        errors = []
        by_hash = {row.values["id_hash"]: row for row in rows}
        hashes = list(by_hash)
        self._existing: dict[str, int] = {}
        if connection.vendor == "postgresql" and hashes:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id_hash, id FROM {Member._meta.db_table}"  # noqa: S608
                    " WHERE id_hash = ANY(string_to_array(%s, ','))",
                    [",".join(hashes)],
                )
                self._existing = dict(cursor.fetchall())
        else:
            for start in range(0, len(hashes), 500):
                found = Member.objects.filter(id_hash__in=hashes[start : start + 500])
                self._existing.update(found.values_list("id_hash", "pk"))
        if not self._existing:
            return errors
        hash_of = {pk: h for h, pk in self._existing.items()}
        pks = list(hash_of)
        for start in range(0, len(pks), HASH_CHUNK):
            memberships = Membership.objects.filter(
                member_id__in=pks[start : start + HASH_CHUNK]
            ).values_list("member_id", "union__name", "left_on")
            for member_id, union_name, left_on in memberships:
                row = by_hash[hash_of[member_id]]
                if left_on is None:
                    errors.append(
                        RowError(
                            row.number,
                            ID,
                            f"此人已是「{union_name}」的在册会员；如已调动工作，请由该工会开具转会凭证",
                        )
                    )
                elif left_on > row.values["joined_on"]:
                    errors.append(RowError(row.number, JOINED, f"早于此人上次离会日期 {left_on:%Y-%m-%d}"))
        return errors

    # Writing.

    def _prepare_write(self, dry_run: bool) -> None:
        self._ids_ahead: list[int] = []
        if connection.vendor == "postgresql" and not dry_run:
            with connection.cursor() as cursor:
                # The import's one commit need not wait for its WAL to reach the disk: a crash in
                # that instant loses the whole import (never part of it), which the clerk sees.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            self._ids_ahead = next_ids(Member, CHUNK)

    def _seal(self, rows: list[ParsedRow]) -> _NewPeople:
        """The chunk's people sealed and, on PostgreSQL, made into COPY data with ids drawn
        ahead: work that needs no query, done while the last chunk is being written."""
        return self._with_ids(sorted(seal([_person(r.values) for r in rows]), key=_by_hash))

    def _with_ids(self, people: list[SealedPerson]) -> _NewPeople:
        if len(people) > len(self._ids_ahead):
            return _NewPeople(people)  # elsewhere than on PostgreSQL, or not enough ids drawn
        ids = self._ids_ahead[: len(people)]
        return _NewPeople(people, ids, member_copy_data(ids, people, timezone.now()))

    def write(self, rows: list[ParsedRow], new: _NewPeople | None = None) -> int:
        """Save one checked chunk: new people, then every row's membership. `new` holds the
        chunk's people as _seal made them before the chunk was checked. On PostgreSQL the
        COPY data is sent by the writer thread while the next chunk is read and checked."""
        existing = self._existing
        new = new or self._seal(rows)
        if existing and any(person.id_hash in existing for person in new.people):
            new = self._with_ids([p for p in new.people if p.id_hash not in existing])  # past members
        if connection.vendor != "postgresql":
            member_ids = existing | insert_sealed(new.people)
            insert_memberships([_membership(r.values, member_ids, self.user.pk) for r in rows])
            return len(rows)
        if new.ids is None:  # more people than ids drawn ahead
            self._ids_ahead = next_ids(Member, len(new.people))
            new = self._with_ids(new.people)
        # The next chunk's ids, drawn while the connection is free. The last chunk's draw goes
        # unused: the sequence skips those numbers, as after any insert rolled back.
        self._ids_ahead = next_ids(Member, CHUNK)
        member_ids = existing | {person.id_hash: pk for person, pk in zip(new.people, new.ids, strict=True)}
        memberships = [_membership(r.values, member_ids, self.user.pk) for r in rows]
        self._writer.submit(new.copy_data, membership_copy_data(memberships, timezone.now()))
        return len(rows)

    def _report(self, done: int) -> None:
        if self.progress is not None:
            self.progress(done)


class _NewPeople(NamedTuple):
    """A chunk's new people, sealed and in keyed-hash order (the unique index on id_hash takes
    them in key order), with their ids and COPY data once ids are drawn for them."""

    people: list[SealedPerson]
    ids: list[int] | None = None
    copy_data: bytes | None = None


def _by_hash(person: SealedPerson) -> str:
    return person.id_hash


class _ChunkWriter:
    """Sends an import's chunks to PostgreSQL on a second thread while the main one reads,
    checks and prepares the next, so that the server's share of each COPY (indexes, foreign
    keys, WAL) overlaps with Python's share of the rows: the thread only sends ready COPY
    data, and psycopg2 lets go of the GIL while it does and while it waits.

    One chunk is in flight at a time, and the transaction's connection is used by one
    thread at a time: the main thread calls wait() before any query of its own, and
    wait() raises what the writing raised (as Django's database errors)."""

    def __init__(self):
        self.in_flight: Future | None = None
        self.cursor = self.thread = None

    def __enter__(self) -> _ChunkWriter:
        return self

    def submit(self, members: bytes, memberships: bytes) -> None:
        self.wait()
        if self.thread is None:
            self.cursor = connection.connection.cursor()
            self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="member-import")
        self.in_flight = self.thread.submit(self._send, members, memberships)

    def _send(self, members: bytes, memberships: bytes) -> None:
        copy_into(Member, members, cursor=self.cursor)
        copy_into(Membership, memberships, cursor=self.cursor)

    def wait(self) -> None:
        in_flight, self.in_flight = self.in_flight, None
        if in_flight is not None:
            with connection.wrap_database_errors:
                in_flight.result()

    def __exit__(self, *exc_info) -> None:
        # Whatever went wrong, the writing ends before the transaction does.
        if self.thread is None:
            return
        try:
            if exc_info[0] is None:
                self.wait()
            elif self.in_flight is not None:
                self.in_flight.exception()  # waits; what is already going wrong is what is raised
        finally:
            self.thread.shutdown()
            self.cursor.close()


class _NothingToKeep(Exception):
    """Raised inside the import's transaction to roll it back (errors, or a dry run)."""


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _outcome(text, noun, codes, by_code, by_name, visible) -> tuple[int | None, str | None]:
    """What one employer or union cell resolves to: (pk, None), or (None, the row error's message)."""
    if text in codes:
        pks = [by_code[codes[text]]] if codes[text] in by_code else []
    else:
        pks = by_name.get(text, [])
    if not pks:
        return None, f"系统中没有“{text}”，请填写编号（代码）或完整名称"
    if len(pks) > 1:
        return None, f"有多个名为“{text}”的{noun}，请改填编号（代码）"
    if pks[0] not in visible:
        return None, f"“{text}”不在您的管辖范围内"
    return pks[0], None


def _apply(rows: list[ParsedRow], key: str, header: str, known: dict) -> list[RowError]:
    errors = []
    target = f"{key}_id"
    for row in rows:
        pk, message = known[row.values[key]]
        if message is None:
            row.values[target] = pk
        else:
            errors.append(RowError(row.number, header, message))
    return errors


def _credit_code(text: str) -> str | None:
    if len(text) != 18:
        return None
    try:
        return normalize_credit_code(text)
    except CreditCodeError:
        return None


def _person(values: dict[str, Any]) -> NewPerson:
    number: IdNumber = values["id_number"]
    return NewPerson(
        id_number=number.value,
        id_hash=values["id_hash"],
        name=values["name"],
        birth_date=number.birth_date,
        sex=number.sex,
        ethnicity=values["ethnicity"],
        phone=values["phone"] or "",
        hukou_place=values["hukou_place"] or "",
        is_migrant=values["is_migrant"],
    )


def _membership(values: dict[str, Any], member_ids: dict[str, int], user_id: int) -> NewMembership:
    return NewMembership(
        member_id=member_ids[values["id_hash"]],
        union_id=values["union_id"],
        employer_id=values["employer_id"],
        joined_on=values["joined_on"],
        channel=values["channel"] or JoinChannel.OTHER,
        created_by_id=user_id,
    )


def error_cells(errors: Iterable[RowError]) -> dict[tuple[int, str], list[str]]:
    """(row number, header) → messages, for the error workbook."""
    cells: dict[tuple[int, str], list[str]] = {}
    for error in errors:
        cells.setdefault((error.row, error.column), []).append(error.message)
    return cells
