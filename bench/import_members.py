"""Member import benchmark: our import beside a plain django-import-export ModelResource.

    DATABASE_URL=postgres://… .venv/bin/python bench/import_members.py [--rows 100000]
        [--resource-rows N] [--job] [--no-openpyxl] [--keep]

In one run, on the database in DATABASE_URL and one generated file
(var/bench/members-<rows>.xlsx, made once with xlsxwriter), it prints:
  - the time just to read the file: openpyxl (read-only mode) and python-calamine;
  - rows/s for the project's import (MemberImporter.run: read, check every row
    against the database and the scope, encrypt, save members and memberships);
  - the database's own share: the time PostgreSQL takes to COPY the rows our
    import saved back in, already formatted, with every index and foreign key
    (database_floor), which no import of the file can beat on this server;
  - rows/s for a plain ModelResource on Member with default options, fed the
    same file through tablib, with the ID number and phone encrypted in
    before_save_instance (the least a real resource must do). It saves members
    only, no memberships, so the comparison flatters it. --resource-rows
    limits it to the first N rows (its rate does not depend on the file's length);
  - peak RSS growth of our import: the process's peak is reset to its current
    size just before (/proc/self/clear_refs), so the figure is what the import
    itself added; the reading times are measured in forked children so that
    calamine's whole-sheet grid and openpyxl do not count towards it.
--job runs our import the way a worker does (members.tasks.run_member_import on
an ImportJob and a stashed upload), in this process. People in the database who
hold the file's ID numbers (seeded data) are removed first, as bench/run.py does.
Everything the run saves is deleted again unless --keep is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionapp.settings")

import django  # noqa: E402

django.setup()

import tablib  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from import_export import fields, resources, widgets  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from members.idnumber import make_id_number, parse_id_number  # noqa: E402
from members.importer import MemberImporter  # noqa: E402
from members.models import JoinChannel, Member, Membership  # noqa: E402
from members.phone import normalize_phone  # noqa: E402
from organizations.creditcode import make_credit_code  # noqa: E402
from organizations.models import Area, Enterprise, Role, Union, UnionKind, User  # noqa: E402
from organizations.services.divisions import BUNDLED_DIVISIONS, load_divisions  # noqa: E402

HEADERS = [
    "姓名",
    "身份证号",
    "民族",
    "手机号",
    "户籍地",
    "是否农牧民工",
    "工作单位",
    "所属工会",
    "入会日期",
    "入会方式",
]
NAMES = ["扎西次仁", "卓玛", "格桑", "达瓦", "次仁拉姆", "王建国", "李娟", "多吉", "央金", "平措"]
BENCH_UNION_CODE = "BENCH-UNION"


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith(field + ":"))
    return int(line.split()[1])


def reset_peak_rss() -> int:
    """Reset the process's peak RSS (VmHWM) to its current RSS; return that, in kB."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    return _status_kb("VmRSS")


def peak_growth_mb(start_kb: int) -> tuple[float, float]:
    """(peak RSS, its growth over start_kb), in MB."""
    peak = _status_kb("VmHWM")
    return peak / 1024, (peak - start_kb) / 1024


def timed_in_child(action) -> float:
    """Seconds action() takes in a forked child (its memory stays out of this process;
    the child opens its own database connection if it needs one)."""
    connection.close()  # a forked child must not share the parent's connection
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        started = time.perf_counter()
        action()
        os.write(write_end, str(time.perf_counter() - started).encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return float(answer)


def free_id_numbers(path: Path) -> None:
    """Seeded members may hold ID numbers the generated file uses: remove those people first."""
    from members.personal_data import keyed_hash

    hashes = []
    for n, row in enumerate(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows()):
        if n:
            hashes.append(keyed_hash(str(row[1]).strip().upper()))
    with transaction.atomic():
        for start in range(0, len(hashes), 10_000):
            taken = Member.objects.filter(id_hash__in=hashes[start : start + 10_000])
            Membership.objects.filter(member__in=taken).delete()
            taken.delete()


def run_ours(path: Path, user: User, *, as_job: bool):
    """Our import of path: MemberImporter.run, or the worker's task on an ImportJob."""
    if not as_job:
        with path.open("rb") as handle:
            return MemberImporter(user).run(handle)
    from django.core.files import File

    from members.models import ImportJob
    from members.tasks import run_member_import
    from organizations.tabular.uploads import stash

    with path.open("rb") as handle:
        stashed = stash(File(handle, name=path.name), user=user, importer_name=MemberImporter.name)
    job = ImportJob.objects.create(owner=user, token=stashed.token, filename=path.name)
    run_member_import(job.pk)
    job.refresh_from_db()
    return job


def database_floor(union: Union) -> float:
    """Seconds PostgreSQL alone takes to store what our import just saved for union: the
    same member and membership rows, already in COPY's format, copied back in one
    transaction with every index and foreign key checked as ours are, then rolled back.
    However fast the Python, no import of the file can beat this on the same server.
    The rows are deleted first and are not in the database afterwards."""
    queries = {
        Member._meta.db_table: "SELECT m.* FROM members_member m"
        " JOIN members_membership s ON s.member_id = m.id WHERE s.union_id = %s ORDER BY m.id_hash",
        Membership._meta.db_table: "SELECT * FROM members_membership WHERE union_id = %s",
    }
    saved = {table: io.BytesIO() for table in queries}
    with connection.cursor() as cursor:
        for table, query in queries.items():
            cursor.copy_expert(f"COPY ({cursor.mogrify(query, [union.pk]).decode()}) TO STDOUT", saved[table])
    clean(union)
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        for table, data in saved.items():
            data.seek(0)
            cursor.copy_expert(f"COPY {table} FROM STDIN", data, size=1 << 24)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def make_file(rows: int, enterprise: Enterprise, union: Union) -> Path:
    import xlsxwriter

    path = ROOT / "var" / "bench" / f"members-{rows}.xlsx"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("会员名册")
    sheet.write_row(0, 0, HEADERS)
    birth0 = dt.date(1960, 1, 1)
    for n in range(rows):
        birth = birth0 + dt.timedelta(days=n % 14000)
        number = make_id_number(f"5401{n // 14000 % 100:02d}", birth, n // 1400000 * 100 + n % 97 + 100)
        row = [
            NAMES[n % len(NAMES)],
            number,
            "藏族" if n % 5 else "汉族",
            f"139{n:08d}",
            "西藏那曲",
            "是",
            enterprise.credit_code,
            union.code,
            "2015-03-01",
            "源头入会",
        ]
        sheet.write_row(n + 1, 0, row)
    workbook.close()
    return path


def place() -> tuple[User, Enterprise, Union]:
    if not Area.objects.filter(code="540102").exists():
        load_divisions(BUNDLED_DIVISIONS.read_text(encoding="utf-8"))
    enterprise, _ = Enterprise.objects.get_or_create(
        credit_code=make_credit_code("91540102MABENCH01"),
        defaults={"name": "压测建筑公司", "area_id": "540102", "employees": 500, "migrant_workers": 400},
    )
    union, _ = Union.objects.get_or_create(
        code=BENCH_UNION_CODE,
        defaults={
            "name": "压测建筑公司工会",
            "kind": UnionKind.GRASSROOTS,
            "area_id": "540102",
            "founded_on": dt.date(2010, 1, 1),
        },
    )
    user, _ = User.objects.get_or_create(
        username="bench-county", defaults={"role": Role.COUNTY, "area_id": "540102"}
    )
    return user, enterprise, union


class PlainMemberResource(resources.ModelResource):
    """What a first attempt with django-import-export looks like: default options."""

    name = fields.Field(attribute="name", column_name="姓名")
    ethnicity = fields.Field(attribute="ethnicity", column_name="民族")
    hukou_place = fields.Field(attribute="hukou_place", column_name="户籍地")

    class Meta:
        model = Member
        fields = ("id", "name", "ethnicity", "hukou_place")

    def before_save_instance(self, instance, row, **kwargs):
        number = parse_id_number(str(row["身份证号"]))
        instance.set_id_number(number.value)
        instance.birth_date, instance.sex = number.birth_date, number.sex
        instance.set_phone(normalize_phone(str(row["手机号"])))


class PlainRosterResource(PlainMemberResource):
    """The same, and each row's membership as the file asks (union, employer, joined on, how):
    the rows our import saves. The union and the employer are found the way a resource finds
    a foreign key by default, with ForeignKeyWidget: one query each per row."""

    unions = widgets.ForeignKeyWidget(Union, field="code")
    employers = widgets.ForeignKeyWidget(Enterprise, field="credit_code")
    channels = {str(label): value for value, label in JoinChannel.choices}

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        Membership.objects.create(
            member=instance,
            union=self.unions.clean(row["所属工会"]),
            employer=self.employers.clean(row["工作单位"]),
            joined_on=row["入会日期"],
            channel=self.channels[row["入会方式"]],
        )


def plain_rate(resource: resources.ModelResource, dataset: tablib.Dataset) -> float:
    """Rows/s of resource.import_data(dataset), the resource's defaults unchanged."""
    started = time.perf_counter()
    outcome = resource.import_data(dataset)
    seconds = time.perf_counter() - started
    assert not outcome.has_errors() and not outcome.has_validation_errors()
    return len(dataset) / seconds


def clean(union: Union) -> None:
    with transaction.atomic():
        member_ids = list(Membership.objects.filter(union=union).values_list("member_id", flat=True))
        Membership.objects.filter(union=union).delete()
        for start in range(0, len(member_ids), 10000):
            Member.objects.filter(pk__in=member_ids[start : start + 10000]).delete()
        Member.objects.filter(memberships__isnull=True, hukou_place="西藏那曲").delete()
    if connection.vendor == "postgresql":
        # The next run inserts the same keyed hashes again: without this (or autovacuum, which
        # may be off, or not yet round), every unique check wades through the last run's
        # dead index entries, and each run is slower than the one before.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {Member._meta.db_table}, {Membership._meta.db_table}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--resource-rows", type=int, default=None)
    parser.add_argument("--job", action="store_true", help="run our import as the worker's task")
    parser.add_argument("--no-openpyxl", action="store_true", help="skip timing the openpyxl read")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    user, enterprise, union = place()
    clean(union)
    path = make_file(args.rows, enterprise, union)
    timed_in_child(lambda: free_id_numbers(path))  # calamine's grid of a large file stays out of here
    print(f"file: {path.name}, {args.rows} rows, {path.stat().st_size / 1e6:.1f} MB; db: {connection.vendor}")

    def read_openpyxl():
        workbook = load_workbook(path, read_only=True)
        assert sum(1 for _ in workbook.active.iter_rows(values_only=True)) == args.rows + 1

    def read_calamine():
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        assert sum(1 for _ in sheet.iter_rows()) == args.rows + 1

    openpyxl_seconds = None if args.no_openpyxl else timed_in_child(read_openpyxl)
    calamine_seconds = timed_in_child(read_calamine)
    openpyxl_text = "skipped" if openpyxl_seconds is None else f"{openpyxl_seconds:6.2f} s"
    print(f"read only      openpyxl {openpyxl_text}   python-calamine {calamine_seconds:6.2f} s")

    start_kb = reset_peak_rss()
    started = time.perf_counter()
    result = run_ours(path, user, as_job=args.job)
    ours = time.perf_counter() - started
    peak, growth = peak_growth_mb(start_kb)
    if args.job:
        assert result.status == "done" and result.saved == args.rows, result.result
    else:
        assert result.ok and result.saved == args.rows, result.errors[:5] or result.file_error
    ours_rate = args.rows / ours
    how = "as a job" if args.job else "MemberImporter.run"
    print(
        f"our import     {ours:6.2f} s  {ours_rate:9.0f} rows/s   peak RSS {peak:.0f} MB,"
        f" growth {growth:.0f} MB ({how})"
    )
    floor = database_floor(union)
    print(
        f"database alone {floor:6.2f} s  {args.rows / floor:9.0f} rows/s   (COPY of the rows our import"
        f" saved, every index and foreign key; ours takes {ours / floor:.1f}x its time)"
    )

    limit = args.resource_rows or args.rows
    # The first `limit` rows of the same file as a tablib Dataset (openpyxl, as tablib reads .xlsx).
    sheet = load_workbook(path, read_only=True).active
    values = sheet.iter_rows(values_only=True, max_row=limit + 1)
    dataset = tablib.Dataset(headers=list(next(values)))
    for row in values:
        dataset.append(row)
    members_only = plain_rate(PlainMemberResource(), dataset)
    clean(union)
    roster = plain_rate(PlainRosterResource(), dataset)
    print(
        f"ModelResource  {limit / members_only:6.2f} s  {members_only:9.0f} rows/s   (members only: no"
        f" membership, the least a resource can do; {limit} rows, tablib load not timed)"
    )
    print(
        f"ModelResource  {limit / roster:6.2f} s  {roster:9.0f} rows/s   (members and their memberships,"
        " as our import saves them)"
    )
    print(
        f"ratio          {ours_rate / roster:6.1f}x  to the resource that saves what ours saves,"
        f" {ours_rate / members_only:.1f}x to members only"
    )
    if not args.keep:
        clean(union)


if __name__ == "__main__":
    main()
