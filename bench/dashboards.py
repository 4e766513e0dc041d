"""Dashboard benchmark: each dashboard's render time and query count beside its raw SQL aggregates.

    DATABASE_URL=postgres://… .venv/bin/python bench/dashboards.py [--date 2015-12-31] [--repeat 5]

Runs against the database in DATABASE_URL (seed it first with
`manage.py seed_demo --scale region`). For each dashboard (the region, a
prefecture, a county, the federation) it renders the page as an HQ viewer
`repeat` times and reports the best time and the number of SQL queries; then
it times the hand-written aggregate queries the page needs at their
simplest (members per prefecture, enterprise coverage per prefecture) and
prints the ratio. The ratio is what the page costs over the bare arithmetic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionapp.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from organizations.models import Role, User  # noqa: E402

# The aggregates behind the headline numbers, written by hand: what a page
# could not do with fewer than these scans.
RAW_MEMBERS_BY_PREFECTURE = """
SELECT substr(u.area_id, 1, 4) AS prefecture, count(DISTINCT ms.member_id)
FROM members_membership ms
JOIN organizations_union u ON u.id = ms.union_id
JOIN members_member m ON m.id = ms.member_id
WHERE m.is_migrant AND ms.joined_on <= %(day)s AND (ms.left_on IS NULL OR ms.left_on > %(day)s)
GROUP BY 1
"""
RAW_COVERAGE_BY_PREFECTURE = """
SELECT substr(e.area_id, 1, 4) AS prefecture, e.sector, count(*) AS enterprises,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM organizations_coverage c JOIN organizations_union u ON u.id = c.union_id
           WHERE c.enterprise_id = e.id AND c.started_on <= %(day)s
             AND (c.ended_on IS NULL OR c.ended_on > %(day)s)
             AND u.founded_on <= %(day)s AND (u.dissolved_on IS NULL OR u.dissolved_on > %(day)s)
       )) AS covered
FROM organizations_enterprise e
WHERE (e.registered_on IS NULL OR e.registered_on <= %(day)s)
  AND (e.closed_on IS NULL OR e.closed_on > %(day)s)
GROUP BY 1, 2
"""


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def best_of(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def raw_sql_seconds(day: dt.date, repeat: int) -> float:
    def run() -> None:
        with connection.cursor() as cursor:
            for sql in (RAW_MEMBERS_BY_PREFECTURE, RAW_COVERAGE_BY_PREFECTURE):
                cursor.execute(sql, {"day": day})
                cursor.fetchall()

    return best_of(repeat, run)


def dashboard_pages() -> list[tuple[str, str]]:
    """The dashboards measured: the region, a prefecture, a county and the federation."""
    return [
        ("region", reverse("dashboard")),
        ("prefecture 540100", reverse("dashboard_area", kwargs={"code": "540100"})),
        ("county 540102", reverse("dashboard_area", kwargs={"code": "540102"})),
        ("federation", reverse("dashboard_federation")),
    ]


def viewer() -> User:
    user = User.objects.filter(role=Role.HQ_VIEWER, is_active=True).first()
    if user is None:
        user = User.objects.create(username="bench-viewer", role=Role.HQ_VIEWER)
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date(2015, 12, 31))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    # As in tests: keep one connection across requests, so its query log covers the whole page.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")
    client.force_login(viewer())
    pages = dashboard_pages()
    raw = raw_sql_seconds(args.date, args.repeat)
    print(f"database: {connection.settings_dict['NAME']} ({connection.vendor}), date {args.date}")
    print(f"raw SQL aggregates (members + coverage by prefecture): {raw * 1000:.1f} ms")
    print(f"{'dashboard':<20} {'render ms':>10} {'queries':>8} {'× raw SQL':>10}")
    for label, url in pages:
        full = f"{url}?date={args.date.isoformat()}"
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = client.get(full)
        if response.status_code != 200:
            raise SystemExit(f"{full} answered {response.status_code}")
        seconds = best_of(args.repeat, lambda full=full: client.get(full))
        print(f"{label:<20} {seconds * 1000:>10.1f} {counter.count:>8} {seconds / raw:>10.1f}")


if __name__ == "__main__":
    main()
