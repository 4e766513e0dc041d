"""The roll-up: figures for every reporting unit and county at a period's end, stored as snapshots.

Running it again replaces the same rows (one upsert on the unique
drive/period/scope key, in one transaction), so a redelivered task or a
second click leaves exactly one set. What the roll-up could see of the
records is taken before it computes anything and stored with the figures
(drives.freshness), so a change it may have missed leaves the snapshot stale,
never silently wrong. Reporting completeness is not stored: it is computed
when shown (drives.figures.add_reporting).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from drives import figures, freshness
from drives.models import Drive, Snapshot
from drives.periods import Period
from organizations.models import Area, AreaLevel
from organizations.scopes import Scope


def rollup_scopes() -> list[Scope]:
    """The region, every prefecture and county, and the federation."""
    areas = Area.objects.filter(level__in=[AreaLevel.PREFECTURE, AreaLevel.COUNTY]).order_by("code")
    return [Scope.region(), *(Scope.of_area(area) for area in areas), Scope.federation()]


def snapshot_day(period: Period, today: dt.date | None = None) -> dt.date:
    """A past period is taken at its last day; the current one at today."""
    today = today or timezone.localdate()
    return min(period.end, today)


def rollup_period(*, drive: Drive, period: Period, today: dt.date | None = None) -> int:
    """Compute and store the snapshots of one period; returns how many scopes were stored."""
    day = snapshot_day(period, today)
    scopes = rollup_scopes()
    seen = freshness.view()
    computed = figures.compute_records(scopes, day, drive=drive, period=period)
    now = timezone.now()
    rows = [
        Snapshot(
            drive=drive,
            period=period.name,
            scope_key=scope.key,
            is_federation=scope.kind == "federation",
            day=day,
            figures=computed[scope.key],
            computed_at=now,
            seen=seen.seen,
            seen_xid=seen.seen_xid,
            seen_change=seen.seen_change,
        )
        for scope in scopes
    ]
    with transaction.atomic():
        Snapshot.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["drive", "period", "scope_key"],
            update_fields=[
                "is_federation",
                "day",
                "figures",
                "computed_at",
                "seen",
                "seen_xid",
                "seen_change",
            ],
        )
        freshness.prune()
    return len(rows)


def periods_to_roll(drive: Drive, today: dt.date | None = None) -> list[Period]:
    """The drive year's periods that have begun by today."""
    today = today or timezone.localdate()
    return [p for p in Period.of_year(drive.year) if p.start <= today]
