"""Member import benchmark: our import beside a plain django-import-export ModelResource.

    DATABASE_URL=postgres://… .venv/bin/python bench/import_members.py [--rows 100000]
        [--resource-rows N] [--keep]

In one run, on the database in DATABASE_URL and one generated file
(var/bench/members-<rows>.xlsx, made once with xlsxwriter), it prints:
  - the time just to read the file: openpyxl (read-only mode) and python-calamine;
  - rows/s for the project's import (MemberImporter.run: read, check every row
    against the database and the scope, encrypt, save members and memberships);
  - rows/s for a plain ModelResource on Member with default options, fed the
    same file through tablib, with the ID number and phone encrypted in
    before_save_instance (the least a real resource must do). It saves members
    only, no memberships, so the comparison flatters it. --resource-rows
    limits it to the first N rows (its rate does not depend on the file's length);
  - peak RSS of the process after each step.
Everything the run saves is deleted again unless --keep is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
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
from import_export import fields, resources  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from members.idnumber import make_id_number, parse_id_number  # noqa: E402
from members.importer import MemberImporter  # noqa: E402
from members.models import Member, Membership  # noqa: E402
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


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def clean(union: Union) -> None:
    with transaction.atomic():
        member_ids = list(Membership.objects.filter(union=union).values_list("member_id", flat=True))
        Membership.objects.filter(union=union).delete()
        for start in range(0, len(member_ids), 10000):
            Member.objects.filter(pk__in=member_ids[start : start + 10000]).delete()
        Member.objects.filter(memberships__isnull=True, hukou_place="西藏那曲").delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--resource-rows", type=int, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    user, enterprise, union = place()
    clean(union)
    path = make_file(args.rows, enterprise, union)
    print(f"file: {path.name}, {args.rows} rows, {path.stat().st_size / 1e6:.1f} MB; db: {connection.vendor}")

    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True)
    count = sum(1 for _ in workbook.active.iter_rows(values_only=True))
    read_openpyxl = time.perf_counter() - started
    started = time.perf_counter()
    count2 = sum(1 for _ in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows())
    read_calamine = time.perf_counter() - started
    assert count == count2 == args.rows + 1
    print(f"read only      openpyxl {read_openpyxl:6.2f} s   python-calamine {read_calamine:6.2f} s")

    started = time.perf_counter()
    with path.open("rb") as handle:
        result = MemberImporter(user).run(handle)
    ours = time.perf_counter() - started
    assert result.ok and result.saved == args.rows, result.errors[:5] or result.file_error
    ours_rate = args.rows / ours
    print(f"our import     {ours:6.2f} s  {ours_rate:9.0f} rows/s   peak RSS {peak_rss_mb():.0f} MB")
    clean(union)

    limit = args.resource_rows or args.rows
    dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
    if limit < len(dataset):
        dataset = tablib.Dataset(*dataset[:limit], headers=dataset.headers)
    started = time.perf_counter()
    outcome = PlainMemberResource().import_data(dataset)
    plain = time.perf_counter() - started
    assert not outcome.has_errors() and not outcome.has_validation_errors()
    plain_rate = limit / plain
    print(f"ModelResource  {plain:6.2f} s  {plain_rate:9.0f} rows/s   ({limit} rows, tablib load not timed)")
    print(f"ratio          {ours_rate / plain_rate:6.1f}x   peak RSS {peak_rss_mb():.0f} MB")
    if not args.keep:
        clean(union)


if __name__ == "__main__":
    main()
