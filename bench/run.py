"""The benchmark in one command: region-scale data, then every comparison side by side.

    make bench                                  # region: ~50,000 firms, ~1,000,000 members
    .venv/bin/python bench/run.py --quick       # about a tenth: ~100,000 members
    options: --rebuild (drop and rebuild the data), --no-record (do not touch bench/RESULTS.md)

It builds its data in its own PostgreSQL database (unionapp_bench, or
unionapp_bench_quick; the server comes from BENCH_DATABASE_URL, else
DATABASE_URL's server, else postgres@127.0.0.1:5432) and keeps it, so a second
run measures again without rebuilding. Data: `seed_demo --scale region` (or
small for --quick) for the area tree, parks, firms and unions and its
members, then a top-up of members in one SQL statement (copies of seeded
members under new keyed hashes, with their active memberships) up to the
target count.

Then, in one run, each row against its baseline:
  - member import rows/s (MemberImporter) against a plain django-import-export
    ModelResource on the same file, and against PostgreSQL alone taking the same
    rows by COPY (bench/import_members.py);
  - the roll-up of one period (drives/rollup.py: region, 7 prefectures, 74
    counties, federation) against hand-written SQL for the member and
    enterprise figures per county of the same day;
  - each dashboard's render time and query count (bench/dashboards.py);
  - a 100,000-row export: our writer (organizations/tabular/writing.write_xlsx,
    write-only openpyxl) against xlsxwriter in constant_memory mode: time and
    peak memory (each in a forked child, peak RSS growth over its start).
Ratios, not wall-clock limits. A part whose code is missing prints "not
available" and the rest still runs. Results go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SIZES = {
    # members in total after the top-up; rows of the import file; rows through the plain resource;
    # seconds the roll-up may take before it is reported as unfinished.
    "region": {
        "seed": "region",
        "members": 1_000_000,
        "import_rows": 100_000,
        "resource_rows": 5_000,
        "rollup_limit": 900,
    },
    "quick": {
        "seed": "small",
        "members": 100_000,
        "import_rows": 10_000,
        "resource_rows": 2_000,
        "rollup_limit": 600,
    },
}
PARTS = ["import", "export", "rollup", "dashboards"]
EXPORT_ROWS = 100_000
DAY = dt.date(2015, 12, 31)
PERIOD = "2015-B6"


def database_url(name: str) -> str:
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def ensure_database(url: str, *, rebuild: bool) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        if rebuild:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


class Report:
    """Lines printed as they come and kept for bench/RESULTS.md."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def unavailable(self, part: str, error: BaseException) -> None:
        self(f"{part}: not available ({type(error).__name__}: {error})")
        if os.environ.get("BENCH_TRACEBACK"):
            traceback.print_exc()


# --- data -----------------------------------------------------------------------------------------


def build_data(size: dict, out: Report) -> None:
    from django.core.management import call_command
    from django.db import connection

    from members.models import Member

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if not Member.objects.exists():
        call_command("load_divisions", verbosity=0)
        call_command("seed_demo", scale=size["seed"], seed=2015, verbosity=0)
        out(f"seed_demo --scale {size['seed']}: {time.perf_counter() - started:.0f} s")
    topped = top_up_members(size["members"])
    if topped:
        out(f"members topped up by {topped:,} in one SQL statement")
    with connection.cursor() as cursor:
        # Only this data's tables: a database-wide VACUUM waits on shared catalogs other sessions lock.
        cursor.execute(
            "ANALYZE members_member, members_membership, organizations_enterprise, "
            "organizations_union, organizations_coverage, organizations_area"
        )
    out(describe_data())


def top_up_members(target: int) -> int:
    """Copy seeded members (new keyed hashes, same encrypted values) with their active memberships.

    The copies count in every figure as real members do; their ID numbers
    decrypt to their originals', which nothing here reads. The new hashes are salted
    with the current last id, so a second top-up never repeats a first one's.
    """
    from django.db import connection, transaction

    from members.models import Member

    missing = target - Member.objects.count()
    if missing <= 0:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM members_member")
        (last_id,) = cursor.fetchone()
        cursor.execute(
            """
            WITH source AS (
                SELECT m.*, ms.union_id, ms.employer_id, ms.joined_on, ms.channel, k,
                       encode(sha256((m.id_hash || ':' || %(last_id)s || ':' || k)::bytea), 'hex') AS new_hash
                FROM generate_series(1, %(copies)s) AS k
                CROSS JOIN members_member m
                JOIN members_membership ms ON ms.member_id = m.id AND ms.left_on IS NULL
                WHERE m.id <= %(last_id)s
                ORDER BY k, m.id
                LIMIT %(missing)s
            ), inserted AS (
                INSERT INTO members_member (name, id_hash, id_encrypted, id_masked, birth_date, sex,
                    ethnicity, phone_hash, phone_encrypted, phone_masked, hukou_place, is_migrant,
                    created_at, updated_at, version)
                SELECT name, new_hash, id_encrypted, id_masked, birth_date, sex, ethnicity, '',
                       phone_encrypted, phone_masked, hukou_place, is_migrant, now(), now(), 1
                FROM source
                RETURNING id, id_hash
            )
            INSERT INTO members_membership (member_id, union_id, employer_id, joined_on, channel,
                left_on, end_reason, created_at)
            SELECT inserted.id, source.union_id, source.employer_id, source.joined_on, source.channel,
                   NULL, '', now()
            FROM inserted JOIN source ON source.new_hash = inserted.id_hash
            """,
            {"copies": missing // max(1, Member.objects.count()) + 2, "last_id": last_id, "missing": missing},
        )
    return missing


def describe_data() -> str:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for label, sql in [
            ("prefectures", "SELECT count(*) FROM organizations_area WHERE level = 'prefecture'"),
            ("counties", "SELECT count(*) FROM organizations_area WHERE level = 'county'"),
            ("townships", "SELECT count(*) FROM organizations_area WHERE level = 'township'"),
            ("villages", "SELECT count(*) FROM organizations_area WHERE level = 'village'"),
            ("enterprises", "SELECT count(*) FROM organizations_enterprise"),
            ("unions", "SELECT count(*) FROM organizations_union"),
            ("members", "SELECT count(*) FROM members_member"),
            ("memberships", "SELECT count(*) FROM members_membership"),
        ]:
            cursor.execute(sql)
            counts[label] = cursor.fetchone()[0]
    return "data: " + ", ".join(f"{n:,} {label}" for label, n in counts.items())


# --- member import ---------------------------------------------------------------------------------


def bench_import(size: dict, out: Report) -> None:
    import import_members as b  # bench/import_members.py (helper B)
    import tablib

    from members.importer import MemberImporter
    from members.models import Member
    from members.personal_data import keyed_hash

    rows, resource_rows = size["import_rows"], size["resource_rows"]
    user, enterprise, union = b.place()
    b.clean(union)
    path = b.make_file(rows, enterprise, union)
    free_id_numbers(path)

    started = time.perf_counter()
    with path.open("rb") as handle:
        result = MemberImporter(user).run(handle)
    ours = time.perf_counter() - started
    if not (result.ok and result.saved == rows):
        raise RuntimeError(f"our import refused the file: {result.errors[:3] or result.file_error}")
    floor = b.database_floor(union)

    dataset = tablib.Dataset().load(path.read_bytes(), format="xlsx")
    dataset = tablib.Dataset(*dataset[:resource_rows], headers=dataset.headers)
    members_only = b.plain_rate(b.PlainMemberResource(), dataset)
    b.clean(union)
    roster = b.plain_rate(b.PlainRosterResource(), dataset)
    b.clean(union)
    assert not Member.objects.filter(id_hash=keyed_hash(str(dataset[0][1]))).exists()
    ours_rate = rows / ours
    out(
        f"{'member import':<28} {ours_rate:>10,.0f} rows/s ({rows:,} rows, {ours:.1f} s)"
        f"   plain ModelResource {roster:>8,.0f} rows/s ({resource_rows:,} rows, members and memberships)"
        f"   ratio {ours_rate / roster:5.1f}x"
    )
    out(
        f"{'  members only':<28} {'':>10}        plain ModelResource {members_only:>8,.0f} rows/s"
        f" (no memberships: the least a resource can do)   ratio {ours_rate / members_only:5.1f}x"
    )
    out(
        f"{'  database alone':<28} {rows / floor:>10,.0f} rows/s (COPY of the same rows, {floor:.1f} s:"
        f" every index and foreign key)   ours takes {ours / floor:.1f}x its time"
    )


def free_id_numbers(path: Path) -> None:
    """Seeded members may hold ID numbers the generated file uses: remove those people first."""
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from members.models import Member, Membership
    from members.personal_data import keyed_hash

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[1:]
    hashes = [keyed_hash(str(row[1]).strip().upper()) for row in rows]
    with transaction.atomic():
        for start in range(0, len(hashes), 10_000):
            taken = Member.objects.filter(id_hash__in=hashes[start : start + 10_000])
            Membership.objects.filter(member__in=taken).delete()
            taken.delete()


# --- roll-up -----------------------------------------------------------------------------------------

RAW_MEMBERS_BY_COUNTY = """
SELECT substr(u.area_id, 1, 6) AS county,
       count(DISTINCT ms.member_id) FILTER (WHERE ms.joined_on <= %(day)s
            AND (ms.left_on IS NULL OR ms.left_on > %(day)s)) AS members_total,
       count(DISTINCT ms.member_id) FILTER (WHERE ms.joined_on <= %(day)s
            AND (ms.left_on IS NULL OR ms.left_on > %(day)s) AND m.birth_date >= '1980-01-01')
            AS new_generation_members,
       count(DISTINCT ms.member_id) FILTER (WHERE ms.joined_on BETWEEN %(start)s AND %(day)s
            AND ms.channel <> 'transfer_in') AS members_new,
       count(DISTINCT ms.member_id) FILTER (WHERE ms.joined_on BETWEEN %(start)s AND %(day)s
            AND ms.channel = 'transfer_in') AS transfers_in,
       count(DISTINCT ms.member_id) FILTER (WHERE ms.left_on BETWEEN %(start)s AND %(day)s
            AND ms.end_reason = 'transfer_out') AS transfers_out,
       count(DISTINCT ms.member_id) FILTER (WHERE ms.joined_on <= %(baseline)s
            AND (ms.left_on IS NULL OR ms.left_on > %(baseline)s)) AS baseline
FROM members_membership ms
JOIN members_member m ON m.id = ms.member_id AND m.is_migrant
JOIN organizations_union u ON u.id = ms.union_id
GROUP BY 1
"""
RAW_ENTERPRISES_BY_COUNTY = """
WITH open AS (
    SELECT e.id, substr(e.area_id, 1, 6) AS county, e.employees, e.migrant_workers,
           (e.employees >= 25 AND e.has_party_org AND e.operating AND e.profitable) AS four,
           EXISTS (SELECT 1 FROM organizations_coverage c JOIN organizations_union u ON u.id = c.union_id
                   WHERE c.enterprise_id = e.id AND c.started_on <= %(day)s
                     AND (c.ended_on IS NULL OR c.ended_on > %(day)s)
                     AND u.founded_on <= %(day)s AND (u.dissolved_on IS NULL OR u.dissolved_on > %(day)s))
               AS covered
    FROM organizations_enterprise e
    WHERE (e.registered_on IS NULL OR e.registered_on <= %(day)s)
      AND (e.closed_on IS NULL OR e.closed_on > %(day)s)
), employed AS (
    SELECT ms.employer_id, count(*) AS members
    FROM members_membership ms JOIN members_member m ON m.id = ms.member_id AND m.is_migrant
    WHERE ms.joined_on <= %(day)s AND (ms.left_on IS NULL OR ms.left_on > %(day)s)
    GROUP BY 1
)
SELECT county,
       count(*) FILTER (WHERE four) AS four_element_total,
       count(*) FILTER (WHERE four AND covered) AS four_element_covered,
       count(*) FILTER (WHERE four AND covered
                        AND coalesce(employed.members, 0) * 100 >= migrant_workers * 80)
           AS four_element_compliant,
       count(*) FILTER (WHERE employees < 25) AS small_enterprises_total,
       count(*) FILTER (WHERE covered) AS enterprises_covered
FROM open LEFT JOIN employed ON employed.employer_id = open.id
GROUP BY 1
"""


def bench_rollup(out: Report, *, limit_seconds: int) -> None:
    from django.db import OperationalError, connection

    from drives.models import Drive, Snapshot
    from drives.periods import Period
    from drives.rollup import rollup_period

    period = Period.parse(PERIOD)
    drive = Drive.objects.filter(year=2015).first() or Drive.objects.create(**Drive.plan_calendar(2015))
    started = time.perf_counter()
    with connection.cursor() as cursor:  # a slow roll-up is a finding, not a reason to hang the run
        cursor.execute(f"SET statement_timeout = {limit_seconds * 1000}")
    try:
        scopes = rollup_period(drive=drive, period=period, today=DAY)
    except OperationalError as error:
        raise RuntimeError(f"the roll-up did not finish within {limit_seconds} s") from error
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    rollup_seconds = time.perf_counter() - started

    params = {"day": DAY, "start": period.start, "baseline": dt.date(2014, 12, 31)}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(RAW_MEMBERS_BY_COUNTY, params)
        members = cursor.fetchall()
        cursor.execute(RAW_ENTERPRISES_BY_COUNTY, params)
        cursor.fetchall()
    raw_seconds = time.perf_counter() - started

    region = Snapshot.objects.get(drive=drive, period=period.name, scope_key=rollup_key_of_region())
    raw_total = sum(row[1] for row in members)
    agree = "equal" if region.figures["members_total"] == raw_total else "DIFFER"
    out(
        f"{'roll-up of ' + PERIOD:<28} {rollup_seconds:>10.2f} s ({scopes} scopes, every figure)"
        f"   raw SQL member+enterprise figures by county {raw_seconds:6.2f} s"
        f"   ratio {rollup_seconds / raw_seconds:5.1f}x   region members_total {raw_total:,} ({agree})"
    )


def rollup_key_of_region() -> str:
    from organizations.scopes import Scope

    return Scope.region().key


# --- dashboards ----------------------------------------------------------------------------------------


def bench_dashboards(out: Report) -> None:
    import dashboards as d  # bench/dashboards.py (helper D)
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(d.viewer())
    pages = d.dashboard_pages()
    # At the period's end the page reads the roll-up's snapshots (the roll-up part ran
    # just before); a day earlier nothing is stored and every figure is computed live.
    for day, source in ((DAY, "snapshots"), (DAY - dt.timedelta(days=1), "live")):
        raw = d.raw_sql_seconds(day, 2)
        for label, url in pages:
            full = f"{url}?date={day.isoformat()}"
            counter = d.QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                response = client.get(full)
            if response.status_code != 200:
                raise RuntimeError(f"{full} answered {response.status_code}")
            first = time.perf_counter() - started
            seconds = min(first, d.best_of(1, lambda full=full: client.get(full)))
            out(
                f"{'dashboard ' + label:<28} {seconds * 1000:>10.0f} ms, {counter.count:>3} queries"
                f" ({source} {day:%m-%d})   raw SQL aggregates {raw * 1000:6.0f} ms"
                f"   ratio {seconds / raw:5.1f}x"
            )


# --- export --------------------------------------------------------------------------------------------


def export_rows(count: int) -> list[tuple]:
    from members.models import Membership

    rows = list(
        Membership.objects.filter(left_on__isnull=True)
        .order_by("id")
        .values_list(
            "member__name",
            "member__id_masked",
            "member__ethnicity",
            "member__phone_masked",
            "member__hukou_place",
            "union__name",
            "employer__name",
            "joined_on",
            "channel",
        )[:count]
    )
    while len(rows) < count:  # a small data set: repeat its rows
        rows.extend(rows[: count - len(rows)])
    return rows


HEADERS = ["姓名", "身份证号", "民族", "手机号", "户籍地", "所属工会", "工作单位", "入会日期", "入会方式"]


def write_ours(rows: list[tuple], path: Path) -> None:
    from organizations.tabular.writing import Column, SheetSpec, write_xlsx

    columns = [Column(h, number_format="yyyy-mm-dd" if h == "入会日期" else None) for h in HEADERS]
    with path.open("wb") as handle:
        write_xlsx([SheetSpec(title="会员名册", columns=columns, rows=rows)], handle)


def write_xlsxwriter(rows: list[tuple], path: Path) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("会员名册")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADERS)
    for n, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(n, col, dt.datetime.combine(value, dt.time()), date_format)
            elif value is None:
                sheet.write_blank(n, col, None)
            else:
                sheet.write(n, col, value)
    workbook.close()


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        line = next(x for x in status if x.startswith(field + ":"))
    return int(line.split()[1])


def measured_in_child(action, rows: list[tuple], path: Path) -> tuple[float, float]:
    """(seconds, peak RSS growth in MB) of action(rows, path) in a forked child.

    A forked child inherits its parent's peak RSS; writing 5 to clear_refs
    resets the peak to the current size, so VmHWM afterwards is this action's.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        start_kb = _status_kb("VmRSS")
        started = time.perf_counter()
        action(rows, path)
        seconds = time.perf_counter() - started
        os.write(write_end, f"{seconds} {(_status_kb('VmHWM') - start_kb) / 1024}".encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    seconds, megabytes = (float(x) for x in answer.split())
    return seconds, megabytes


def bench_export(out: Report) -> None:
    from django.db import connection

    rows = export_rows(EXPORT_ROWS)
    connection.close()  # a forked child must not share the parent's connection
    folder = ROOT / "bench" / "out"
    folder.mkdir(exist_ok=True)
    ours = measured_in_child(write_ours, rows, folder / "export-ours.xlsx")
    theirs = measured_in_child(write_xlsxwriter, rows, folder / "export-xlsxwriter.xlsx")
    out(
        f"{'export ' + format(len(rows), ',') + ' rows':<28} {ours[0]:>10.2f} s, peak +{ours[1]:.0f} MB"
        f"   xlsxwriter constant_memory {theirs[0]:6.2f} s, peak +{theirs[1]:.0f} MB"
        f"   ratio {ours[0] / theirs[0]:5.1f}x time, {ours[1] / max(theirs[1], 1):4.1f}x memory"
    )


# --- machine and record --------------------------------------------------------------------------------


def machine() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    with open("/proc/meminfo") as meminfo:
        ram_gb = int(meminfo.readline().split()[1]) / 1024 / 1024
    cpu = platform.processor() or platform.machine()
    python = platform.python_version()
    return f"{os.cpu_count()} CPUs ({cpu}), {ram_gb:.1f} GB RAM, PostgreSQL {pg}, Python {python}"


START, END = "<!-- bench/run.py: start -->", "<!-- bench/run.py: end -->"


def record(lines: list[str], command: str, quick: bool) -> None:
    """Replace this script's section of bench/RESULTS.md (one per size); other sections stay."""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    start, end = (
        START.replace("run.py", f"run.py {'quick' if quick else 'region'}"),
        END.replace("run.py", f"run.py {'quick' if quick else 'region'}"),
    )
    body = "\n".join([start, f"## `{command}`", "", "```", *lines, "```", end])
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + body + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about a tenth of the region's size")
    parser.add_argument("--rebuild", action="store_true", help="drop the bench database and build it again")
    parser.add_argument("--no-record", action="store_true", help="leave bench/RESULTS.md alone")
    parser.add_argument("--only", nargs="*", choices=PARTS, help="run only these parts")
    args = parser.parse_args()
    size = SIZES["quick" if args.quick else "region"]

    url = database_url("unionapp_bench_quick" if args.quick else "unionapp_bench")
    ensure_database(url, rebuild=args.rebuild)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionapp.settings")
    os.environ.pop("REDIS_URL", None)  # tasks inline, cache in memory: nothing shared with a running app
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"  # the test client's host
    import django

    django.setup()

    out = Report()
    command = "bench/run.py" + (" --quick" if args.quick else "")
    out(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {command} · database {urlsplit(url).path[1:]}")
    out(f"machine: {machine()}")
    build_data(size, out)
    out()
    parts = {
        "import": lambda: bench_import(size, out),
        "export": lambda: bench_export(out),
        "rollup": lambda: bench_rollup(out, limit_seconds=size["rollup_limit"]),
        "dashboards": lambda: bench_dashboards(out),  # after the roll-up: its snapshots are current
    }
    for part, run in parts.items():
        if args.only and part not in args.only:
            continue
        try:
            run()
        except Exception as error:  # one missing part must not hide the others' numbers
            out.unavailable(part, error)
        if not args.no_record:  # after each part, so a long run leaves what it has measured
            record(out.lines, f".venv/bin/python {command}", args.quick)
    if not args.no_record:
        print(f"recorded in {ROOT / 'bench' / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
