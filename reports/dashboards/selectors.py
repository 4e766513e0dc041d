"""What a dashboard shows, read in a fixed number of queries whatever the data.

Every number comes from drives.figures: computed for the day asked, or, at a
bimonthly period's last day, read from the roll-up's snapshots (the same
figures, frozen when the period closed) where they exist. A dashboard is its
scope's figures, the same figures for each unit one level down, and the trend
over the drive's periods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from drives import figures
from drives.models import Drive, Snapshot
from drives.periods import Period
from organizations.divisions import ancestor_codes
from organizations.models import Area, AreaLevel
from organizations.scopes import Scope
from reports.dashboards.formatting import bar_width, percent
from reports.dashboards.scopes import FigureScope, federation_scope, scope_of_area
from reports.models import Inspection, InspectionProblem

# The level of the units shown side by side under each level.
CHILD_LEVEL = {
    AreaLevel.REGION: AreaLevel.PREFECTURE,
    AreaLevel.PREFECTURE: AreaLevel.COUNTY,
    AreaLevel.COUNTY: AreaLevel.TOWNSHIP,
}


@dataclass
class Unit:
    """One unit beside its siblings: its scope, its figures and where its own dashboard is."""

    target: FigureScope
    figures: dict[str, Any]
    url: str


@dataclass(frozen=True)
class TrendPoint:
    period: str  # "2015-B2"
    day: dt.date
    members_total: int
    from_snapshot: bool


@dataclass
class Dashboard:
    target: FigureScope
    day: dt.date
    figures: dict[str, Any]
    units: list[Unit] = field(default_factory=list)
    unit_level: str = ""
    trend: list[TrendPoint] = field(default_factory=list)
    period: Period | None = None  # the period containing day
    from_snapshot: bool = False  # every number on the page read from the period's snapshots
    inspections: dict[str, int] = field(default_factory=dict)

    @property
    def progress_text(self) -> str:
        return percent(self.figures["target_progress"])

    @property
    def progress_width(self) -> int:
        return bar_width(self.figures["target_progress"])

    @property
    def growth_text(self) -> str:
        return percent(self.figures["growth_rate"])


def dashboard_url(target: FigureScope) -> str:
    if target.is_federation:
        return reverse("dashboard_federation")
    if target.area is None:
        return reverse("dashboard")
    return reverse("dashboard_area", kwargs={"code": target.area.code})


def child_scopes(target: FigureScope) -> tuple[str, list[FigureScope]]:
    """The units one level down (the region also lists the federation beside its prefectures)."""
    if target.area is None:
        return "", []
    level = CHILD_LEVEL.get(target.area.level)
    if level is None:
        return "", []
    areas = Area.objects.filter(parent=target.area, level=level).order_by("code")
    children = [FigureScope(Scope.of_area(area), area, area.name) for area in areas]
    if target.area.level == AreaLevel.REGION:
        children.append(federation_scope())
    return str(AreaLevel(level).label), children


def drive_for(day: dt.date) -> Drive | None:
    """The drive whose figures a day belongs to: the one of its year, as drives.figures takes it."""
    return Drive.objects.filter(year=day.year).first()


def snapshots_at(drive: Drive | None, period: Period, day: dt.date, keys: list[str]) -> dict[str, dict]:
    """Stored figures for keys, when day is the period's last day and the roll-up stored that day."""
    if drive is None or day != period.end:
        return {}
    rows = Snapshot.objects.filter(drive=drive, period=period.name, day=day, scope_key__in=keys)
    return {row.scope_key: row.figures for row in rows}


def figures_for(targets: list[FigureScope], day: dt.date) -> tuple[dict[str, dict[str, Any]], bool]:
    """Figures for several scopes at once, keyed by FigureScope.key, and whether all came from snapshots.

    One query for the snapshots, and one fixed set (drives.figures.compute_many)
    for whatever no snapshot holds.
    """
    drive, period = drive_for(day), Period.containing(day)
    stored = snapshots_at(drive, period, day, [t.scope.key for t in targets])
    missing = [t.scope for t in targets if t.scope.key not in stored]
    computed = figures.compute_many(missing, day, drive=drive, period=period) if missing else {}
    found = {t.key: stored.get(t.scope.key) or computed[t.scope.key] for t in targets}
    return found, not missing


def trend(target: FigureScope, day: dt.date) -> list[TrendPoint]:
    """members_total at the end of each of the drive's periods up to day (at day for the last).

    A period that has closed is read from its snapshot when there is one; the
    others are computed together (drives.figures.members_total_on): two queries
    whatever the number of periods.
    """
    drive = drive_for(day)
    if drive is None:
        return []
    periods = [p for p in Period.of_year(drive.year) if p.start <= day]
    stored = {
        row.period: row
        for row in Snapshot.objects.filter(
            drive=drive, period__in=[p.name for p in periods], scope_key=target.scope.key
        )
    }
    ends = {period.name: min(period.end, day) for period in periods}
    from_snapshots = {
        name: row.figures["members_total"]
        for name, row in stored.items()
        if row.day == ends[name] and "members_total" in row.figures
    }
    computed = figures.members_total_on(
        target.scope, [at for name, at in ends.items() if name not in from_snapshots]
    )
    return [
        TrendPoint(name, at, from_snapshots[name], True)
        if name in from_snapshots
        else TrendPoint(name, at, computed[at], False)
        for name, at in ends.items()
    ]


def inspection_problems(target: FigureScope, day: dt.date) -> dict[str, int]:
    """Inspection problems in scope still open at day, and those of them past their deadline (one query)."""
    problems = InspectionProblem.objects.filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gt=day),
        inspection__in=Inspection.objects.in_scope(target.scope),
        inspection__visited_on__lte=day,
    )
    return problems.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=day)))


def build_dashboard(target: FigureScope, day: dt.date, *, with_trend: bool = False) -> Dashboard:
    unit_level, children = child_scopes(target)
    found, from_snapshot = figures_for([target, *children], day)
    units = [Unit(child, found[child.key], dashboard_url(child)) for child in children]
    return Dashboard(
        target=target,
        day=day,
        figures=found[target.key],
        units=units,
        unit_level=unit_level,
        trend=trend(target, day) if with_trend else [],
        period=Period.containing(day),
        from_snapshot=from_snapshot,
        inspections=inspection_problems(target, day),
    )


def picker_periods(today: dt.date | None = None) -> list[tuple[str, dt.date]]:
    """(name, day) for every period of every drive that has begun: its last day, or today if still open."""
    today = today or timezone.localdate()
    return [
        (period.name, min(period.end, today))
        for year in Drive.objects.order_by("-year").values_list("year", flat=True)
        for period in reversed(Period.of_year(year))
        if period.start <= today
    ]


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


def breadcrumbs(user, target: FigureScope) -> list[Crumb]:
    """The dashboards above target that the user may open, top first (one query)."""
    own = Scope.for_user(user)
    if target.area is None or own.kind != "area":
        return []
    above = Area.objects.filter(code__in=ancestor_codes(target.area.code))
    return [
        Crumb(area.name, dashboard_url(FigureScope(scope_of_area(area), area, area.name)))
        for area in sorted(above, key=lambda a: len(a.prefix))
        if area.prefix.startswith(own.prefix)
    ]
