"""A bounded load test on loopback: gunicorn + a Celery worker + PostgreSQL + Redis, 50 staff at once.

    make loadtest                                   # 90 s on its own small database
    .venv/bin/python loadtest/run.py --db unionapp_bench --duration 90 --record

It prepares the database (migrate and `seed_demo --scale small` when it is
empty; pass --db unionapp_bench to use the region-scale data bench/run.py
built), creates 50 staff accounts of every role spread over the region
(20 county, 10 prefecture, 5 federation, 10 HQ, 5 HQ viewer) and one county
clerk who imports, then starts gunicorn and a Celery worker on 127.0.0.1
and runs locust headless for a fixed time (loadtest/locustfile.py). While
the staff browse, the clerk uploads a 5,000-row roster (a Celery job on the
imports queue) and this script queues the roll-up of 2015-B6 (rollups
queue). It prints p50/p95 and error counts per page and in total, the
import job's and the roll-up's outcome, stops everything it started, and
with --record writes the summary to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "loadtest"
HOST = "127.0.0.1"  # loopback only, always
PASSWORD = "Load-test-2015-drive"  # noqa: S105 - throwaway accounts in a throwaway database
FIRM_CODE_17 = "91540102MALDTQ001"
UNION_NAME = "压力测试物流有限公司工会"
HEADERS = ["姓名", "身份证号", "民族", "手机号", "户籍地", "是否农牧民工", "工作单位", "所属工会", "入会日期"]


def database_url(name: str) -> str:
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    admin = psycopg2.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')
    admin.close()


def prepare_data() -> dict:
    """Seed when empty; the accounts, the import file and the drive. Returns the accounts file's data."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from drives.models import Drive
    from members.models import Member, Membership
    from organizations.models import Area, Role, User

    call_command("migrate", verbosity=0)
    if not Member.objects.exists():
        call_command("load_divisions", verbosity=0)
        call_command("seed_demo", scale="small", seed=2015, verbosity=0)
    Drive.objects.get_or_create(
        year=2015,
        defaults={
            "name": "2015年农牧民工入会集中行动",
            "baseline_year": 2014,
            "mobilisation_start": dt.date(2015, 1, 1),
            "mobilisation_end": dt.date(2015, 2, 28),
            "implementation_start": dt.date(2015, 3, 1),
            "implementation_end": dt.date(2015, 10, 31),
            "acceptance_start": dt.date(2015, 11, 1),
            "acceptance_end": dt.date(2015, 12, 31),
        },
    )
    hashed = make_password(PASSWORD)  # one hash for every account: 51 PBKDF2 runs would take a minute
    areas = Area.objects.order_by("code")
    prefectures = list(areas.filter(level="prefecture").values_list("code", flat=True))
    counties = list(areas.filter(level="county").values_list("code", flat=True))
    plan = (
        [(Role.COUNTY, counties[(n * 7) % len(counties)]) for n in range(20)]
        + [(Role.PREFECTURE, prefectures[n % len(prefectures)]) for n in range(10)]
        + [(Role.FEDERATION, "federation")] * 5
        + [(Role.HQ, "540000")] * 10
        + [(Role.HQ_VIEWER, "540000")] * 5
    )
    staff = []
    for n, (role, scope) in enumerate(plan):
        username = f"load{n:02d}"
        area = scope if role in (Role.COUNTY, Role.PREFECTURE) else None
        User.objects.update_or_create(
            username=username, defaults={"role": role, "area_id": area, "password": hashed, "is_active": True}
        )
        staff.append({"username": username, "password": PASSWORD, "scope": scope})
    User.objects.update_or_create(
        username="load-importer",
        defaults={"role": Role.COUNTY, "area_id": "540102", "password": hashed, "is_active": True},
    )
    union = import_place()
    # A second run imports the same people again: remove the first run's.
    member_ids = list(Membership.objects.filter(union=union).values_list("member_id", flat=True))
    Membership.objects.filter(union=union).delete()
    Member.objects.filter(pk__in=member_ids).delete()
    return {
        "staff": staff,
        "importer": {"username": "load-importer", "password": PASSWORD, "scope": "540102"},
    }


def import_place():
    from organizations.creditcode import make_credit_code
    from organizations.models import Enterprise, Union, UnionKind

    firm, _ = Enterprise.objects.get_or_create(
        credit_code=make_credit_code(FIRM_CODE_17),
        defaults={
            "name": "压力测试物流有限公司",
            "area_id": "540102",
            "employees": 6000,
            "migrant_workers": 5500,
        },
    )
    union, _ = Union.objects.get_or_create(
        name=UNION_NAME,
        defaults={"kind": UnionKind.GRASSROOTS, "area_id": "540102", "founded_on": dt.date(2012, 1, 1)},
    )
    union.coverages.get_or_create(enterprise=firm, defaults={"started_on": dt.date(2012, 1, 1)})
    return union


def import_file(rows: int) -> Path:
    """A roster for the import clerk; area code 540101 keeps its ID numbers clear of the seeded ones."""
    import xlsxwriter

    from members.idnumber import make_id_number
    from organizations.creditcode import make_credit_code

    path = OUT / f"roster-{rows}.xlsx"
    if path.exists():
        return path
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("会员名册")
    sheet.write_row(0, 0, HEADERS)
    firm = make_credit_code(FIRM_CODE_17)
    for n in range(rows):
        number = make_id_number("540101", dt.date(1970, 1, 1) + dt.timedelta(days=n // 900), n % 900 + 100)
        phone = f"136{n:08d}"
        row = ["达瓦", number, "藏族", phone, "西藏那曲", "是", firm, UNION_NAME, "2015-06-01"]
        sheet.write_row(n + 1, 0, row)
    workbook.close()
    return path


def import_outcome(*, deadline: float) -> str:
    """The clerk's import job as the database has it, once finished (or at the deadline)."""
    from members.models import ImportJob

    while True:
        job = ImportJob.objects.filter(owner__username="load-importer").order_by("-pk").first()
        if job is None:
            return "import job: none was queued"
        if job.finished or time.monotonic() > deadline:
            return f"import job {job.pk}: {job.get_status_display()}, {job.total} rows"
        time.sleep(2)


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)


def wait_until_up(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback URL built here
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url}")


def summarize(stats_csv: Path) -> list[str]:
    lines = [f"{'page':<20} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"]
    with stats_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = "TOTAL" if row["Name"] == "Aggregated" else row["Name"]
            lines.append(
                f"{name:<20} {row['Request Count']:>9} {row['Failure Count']:>7} {row['50%']:>8} "
                f"{row['95%']:>8} {float(row['Max Response Time']):>8.0f}"
            )
    return lines


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def record(lines: list[str], command: str) -> None:
    start_mark, end_mark = "<!-- loadtest/run.py: start -->", "<!-- loadtest/run.py: end -->"
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    body = "\n".join([start_mark, f"## Load test: `{command}`", "", "```", *lines, "```", end_mark])
    if start_mark in text and end_mark in text:
        before, rest = text.split(start_mark, 1)
        text = before + body + rest.split(end_mark, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="unionapp_bench_quick", help="bench/run.py --quick builds it")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=90, help="seconds, at most 120")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--record", action="store_true", help="write the summary to bench/RESULTS.md")
    args = parser.parse_args()
    duration = min(args.duration, 120)
    OUT.mkdir(parents=True, exist_ok=True)

    url = database_url(args.db)
    ensure_database(url)
    redis_url = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis_url, DEBUG="0", ALLOWED_HOSTS=HOST)
    env.pop("CELERY_BROKER_URL", None)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionapp.settings")
    import django

    django.setup()
    from django.core.cache import cache

    cache.clear()  # login throttling and rate limits start from zero
    accounts = prepare_data()
    users_file = OUT / "users.json"
    users_file.write_text(json.dumps(accounts, ensure_ascii=False), encoding="utf-8")
    roster = import_file(args.import_rows)
    from django.db import connection

    connection.close()

    base = f"http://{HOST}:{args.port}"
    workers = str(max(2, (os.cpu_count() or 1) + 1))
    server = start(
        [str(VENV_BIN / "gunicorn"), "unionapp.wsgi:application", "--bind", f"{HOST}:{args.port}",
         "--workers", workers, "--worker-class", "gthread", "--threads", "4", "--timeout", "60",
         # nginx speaks HTTP/1.0 to its upstream by default: one request per connection, as here.
         "--keep-alive", "0"],
        env,
        OUT / "gunicorn.log",
    )  # fmt: skip
    worker = start(
        [str(VENV_BIN / "celery"), "-A", "unionapp", "worker", "-Q", "default,imports,rollups,exports",
         "--concurrency", "2", "--loglevel", "WARNING"],
        env,
        OUT / "celery.log",
    )  # fmt: skip
    lines: list[str] = []
    try:
        wait_until_up(f"{base}/accounts/login/", time.monotonic() + 60)
        locust_env = dict(env, LOADTEST_USERS=str(users_file), LOADTEST_IMPORT_FILE=str(roster))
        started = time.monotonic()
        locust = subprocess.Popen(
            [str(VENV_BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
             "--users", str(args.users + 1), "--spawn-rate", "10", "--run-time", f"{duration}s",
             "--host", base, "--csv", str(OUT / "stats"), "--only-summary", "--stop-timeout", "5"],
            cwd=ROOT,
            env=locust_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        time.sleep(min(15, duration / 4))  # the staff are signed in and browsing
        from drives.tasks import rollup

        queued = time.monotonic()
        rollup_result = rollup.delay(2015, "2015-B6")
        output, _ = locust.communicate(timeout=duration + 60)
        elapsed = time.monotonic() - started
        try:
            scopes = rollup_result.get(timeout=10)
            rollup_line = f"roll-up 2015-B6 on the rollups queue: {scopes} scopes stored"
        except Exception as error:  # report it; the HTTP numbers still stand
            running = time.monotonic() - queued
            rollup_line = f"roll-up 2015-B6: not finished after {running:.0f} s ({type(error).__name__})"
        import_line = import_outcome(deadline=time.monotonic() + 30)
        lines = [
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {args.users} staff + 1 importing clerk · "
            f"{elapsed:.0f} s on {base} · database {args.db} · gunicorn {workers} workers × 4 threads · "
            f"celery worker ×2 · {os.cpu_count()} CPUs",
            *summarize(OUT / "stats_stats.csv"),
            import_line,
            rollup_line,
        ]
        for line in lines:
            print(line)
        if locust.returncode not in (0, 1):  # locust exits 1 when any request failed: reported above
            print(output)
    finally:
        stop(server)
        stop(worker)
    if args.record:
        record(lines, f"loadtest/run.py --db {args.db} --users {args.users} --duration {duration}")


if __name__ == "__main__":
    main()
