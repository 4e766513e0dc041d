"""Importing members: DESIGN's members template, all rows or none.

Built for files of 100,000 rows: each cell is parsed once, employers and
unions are looked up in one query each, people already on record are found
by their keyed hash in chunks, and new rows are written with bulk inserts in
batches. The import is checked row by row first (duplicates in the file,
people already active elsewhere, anything outside the user's scope), so a
clerk sees every problem before anything is saved.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from members.bulk_write import NewMembership, NewPerson, insert_members, insert_memberships
from members.ethnicity import ETHNIC_GROUPS, normalize_ethnicity
from members.idnumber import IdNumber, make_id_number, parse_id_number
from members.models import JoinChannel, Member, Membership
from members.personal_data import keyed_hash
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
    parse_rows,
    parse_text,
    parse_yes_no,
)
from organizations.tabular.importer import Importer, ImportResult
from organizations.tabular.reading import SpreadsheetError, Table, cell_text, read_table

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


def parse_ethnicity_cell(value: Any) -> str:
    return normalize_ethnicity(cell_text(value))


class MemberImporter(Importer):
    name = "members"
    title = "会员名册"
    fields = [
        Field("name", "姓名", repeated(parse_text)),
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
        try:
            with transaction.atomic():
                table = read_table(file)
                map_headers(table.headers, self.fields)  # a missing column fails before any row
                self._prepare_write(dry_run)
                for chunk in _chunks(table.rows, CHUNK):
                    result.total += len(chunk)
                    if len(result.errors) >= MAX_ERRORS:
                        continue  # refused anyway: only count the rest
                    parsed = parse_rows(Table(table.headers, iter(chunk)), self.fields)
                    result.errors += parsed.errors + self.validate(parsed)
                    if not result.errors and not dry_run:
                        result.saved += self.write(parsed.rows)
                    self._report(result.total)
                if result.total == 0:
                    result.file_error = "文件中没有数据行（第一行应为表头，从第二行起为数据）。"
                if not result.ok or dry_run:
                    raise _NothingToKeep
                audit.record(
                    user=self.user,
                    action=AuditAction.IMPORT,
                    changes={"import": self.name, "rows": result.saved},
                )
        except SpreadsheetError as error:
            result.file_error = str(error)
        except _NothingToKeep:
            pass
        if not result.ok:
            result.saved = 0
        result.errors = sorted(result.errors[:MAX_ERRORS], key=lambda e: (e.row, e.column))
        return result

    # Validation, one chunk at a time.

    def validate(self, parsed: Parsed) -> list[RowError]:
        errors: list[RowError] = []
        rows = []
        for row in parsed.rows:
            values = row.values
            if values["channel"] == JoinChannel.TRANSFER_IN:
                errors.append(RowError(row.number, "入会方式", "转入会员请用转会凭证办理"))
            id_hash = keyed_hash(values["id_number"].value)
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
        errors += self._resolve_employers(rows)
        errors += self._resolve_unions(rows)
        errors += self._check_people(rows)
        return errors

    def _resolve_employers(self, rows: list[ParsedRow]) -> list[RowError]:
        keys = {row.values["employer"] for row in rows}
        codes = {key: code for key in keys if (code := _credit_code(key))}
        names = keys - set(codes)
        found = Enterprise.objects.filter(credit_code__in=set(codes.values())) | Enterprise.objects.filter(
            name__in=names
        )
        visible = set(
            Enterprise.objects.visible_to(self.user)
            .filter(pk__in=found.values("pk"))
            .values_list("pk", flat=True)
        )
        by_code, by_name = {}, {}
        for pk, name, code in found.values_list("pk", "name", "credit_code"):
            by_code[code] = pk
            by_name.setdefault(name, []).append(pk)
        return self._resolve(rows, "employer", EMPLOYER, "工作单位", codes, by_code, by_name, visible)

    def _resolve_unions(self, rows: list[ParsedRow]) -> list[RowError]:
        keys = {row.values["union"] for row in rows}
        found = Union.objects.filter(code__in=keys) | Union.objects.filter(name__in=keys)
        visible = set(
            Union.objects.visible_to(self.user).filter(pk__in=found.values("pk")).values_list("pk", flat=True)
        )
        self._unions = {u.pk: u for u in found}
        by_code, by_name = {}, {}
        for union in self._unions.values():
            by_code[union.code] = union.pk
            by_name.setdefault(union.name, []).append(union.pk)
        codes = {key: key for key in keys if key in by_code}
        errors = self._resolve(rows, "union", UNION, "工会", codes, by_code, by_name, visible)
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

    @staticmethod
    def _resolve(rows, key, header, noun, codes, by_code, by_name, visible) -> list[RowError]:
        errors = []
        for row in rows:
            text = row.values[key]
            if text in codes:
                pks = [by_code[codes[text]]] if codes[text] in by_code else []
            else:
                pks = by_name.get(text, [])
            if not pks:
                errors.append(
                    RowError(row.number, header, f"系统中没有“{text}”，请填写编号（代码）或完整名称")
                )
            elif len(pks) > 1:
                errors.append(RowError(row.number, header, f"有多个名为“{text}”的{noun}，请改填编号（代码）"))
            elif pks[0] not in visible:
                errors.append(RowError(row.number, header, f"“{text}”不在您的管辖范围内"))
            else:
                row.values[f"{key}_id"] = pks[0]
        return errors

    def _check_people(self, rows: list[ParsedRow]) -> list[RowError]:
        """People already on record: active elsewhere is an error; a past member may rejoin."""
        errors = []
        self._existing: dict[str, int] = {}
        by_hash = {row.values["id_hash"]: row for row in rows}
        hashes = list(by_hash)
        for start in range(0, len(hashes), HASH_CHUNK):
            chunk = hashes[start : start + HASH_CHUNK]
            for pk, id_hash in Member.objects.filter(id_hash__in=chunk).values_list("pk", "id_hash"):
                self._existing[id_hash] = pk
        if not self._existing:
            return errors
        pks = list(self._existing.values())
        hash_of = {pk: h for h, pk in self._existing.items()}
        for start in range(0, len(pks), HASH_CHUNK):
            chunk = pks[start : start + HASH_CHUNK]
            memberships = Membership.objects.filter(member_id__in=chunk).values_list(
                "member_id", "union__name", "left_on"
            )
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
        if connection.vendor == "postgresql" and not dry_run:
            # The import's one commit need not wait for its WAL to reach the disk: a crash in
            # that instant loses the whole import (never part of it), which the clerk sees.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")

    def write(self, rows: list[ParsedRow]) -> int:
        """Save one checked chunk: new people, then every row's membership."""
        member_ids: dict[str, int] = dict(self._existing)
        member_ids.update(
            insert_members([_person(r.values) for r in rows if r.values["id_hash"] not in member_ids])
        )
        insert_memberships([_membership(r.values, member_ids, self.user.pk) for r in rows])
        return len(rows)

    def _report(self, done: int) -> None:
        if self.progress is not None:
            self.progress(done)


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
