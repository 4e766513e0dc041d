"""Reading figures: from the roll-up's snapshots where they are fresh, computed live otherwise.

Every page, export and API answer that shows figures for a day asks
`figures_at`. At a bimonthly period's last day a snapshot the roll-up stored
is read when no later change has made it stale (drives.freshness); anything
else is computed by drives.figures, so a figure read here always equals the
figure computed now from the records. Reporting completeness is always
computed (two small queries), since reports move after any roll-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from drives import figures, freshness
from drives.models import Drive, Snapshot
from drives.periods import Period
from organizations.scopes import Scope


@dataclass
class Reading:
    figures: dict[str, dict[str, Any]]  # by scope key
    from_snapshot: set[str] = field(default_factory=set)  # the keys read from a fresh snapshot
    refreshing: set[str] = field(default_factory=set)  # keys whose snapshot is stale, computed live
    reporting: figures.Reporting | None = None  # the periods the completeness figures are of
    lines: figures.TargetLines | None = None  # the drive's target lines, as the figures read them

    @property
    def period_due(self) -> Period | None:
        return self.reporting.due if self.reporting else None

    def __getitem__(self, key: str) -> dict[str, Any]:
        return self.figures[key]

    @property
    def all_from_snapshot(self) -> bool:
        return bool(self.figures) and self.from_snapshot == set(self.figures)


def figures_at(scopes: Iterable[Scope], day: dt.date, *, drive: Drive | None = None) -> Reading:
    """Every figure of each scope at day, in a fixed number of queries."""
    unique = list({scope.key: scope for scope in scopes}.values())
    drive = drive if drive is not None else Drive.objects.filter(year=day.year).first()
    period = Period.containing(day)
    stored, stale = _fresh_snapshots(drive, period, day, [scope.key for scope in unique])
    missing = [scope for scope in unique if scope.key not in stored]
    lines = figures.TargetLines.of(drive)
    computed = (
        figures.compute_records(missing, day, drive=drive, period=period, lines=lines) if missing else {}
    )
    found = {scope.key: dict(stored.get(scope.key) or computed[scope.key]) for scope in unique}
    reporting = figures.add_reporting(found, unique, day, drive=drive)
    return Reading(found, set(stored), stale - set(stored), reporting, lines)


def _fresh_snapshots(
    drive: Drive | None, period: Period, day: dt.date, keys: list[str]
) -> tuple[dict[str, dict], set[str]]:
    """The stored figures of keys at day that no later change has made stale, and the stale keys."""
    if drive is None or day != period.end or not keys:
        return {}, set()
    rows = (
        Snapshot.objects.filter(drive=drive, period=period.name, day=day, scope_key__in=keys)
        .annotate(stale=freshness.is_stale())
        .values_list("scope_key", "figures", "stale")
    )
    fresh, stale = {}, set()
    for key, stored, is_stale in rows:
        if is_stale:
            stale.add(key)
        else:
            fresh[key] = stored
    return fresh, stale


def members_total_trend(scope: Scope, drive: Drive, day: dt.date) -> list[tuple[Period, dt.date, int, bool]]:
    """members_total at the end of each of the drive's periods up to day (at day for the last):
    (period, day taken, value, read from a fresh snapshot). Two queries whatever the periods."""
    periods = [p for p in Period.of_year(drive.year) if p.start <= day]
    ends = {period.name: min(period.end, day) for period in periods}
    rows = (
        Snapshot.objects.filter(drive=drive, period__in=list(ends), scope_key=scope.key)
        .annotate(stale=freshness.is_stale())
        .values_list("period", "day", "figures", "stale")
    )
    stored = {
        name: data["members_total"]
        for name, at, data, stale in rows
        if not stale and at == ends[name] and "members_total" in data
    }
    computed = figures.members_total_on(scope, [at for name, at in ends.items() if name not in stored])
    return [
        (
            period,
            ends[period.name],
            stored.get(period.name, computed.get(ends[period.name])),
            period.name in stored,
        )
        for period in periods
    ]
