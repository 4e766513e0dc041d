"""What a dashboard shows, read in a fixed number of queries whatever the data.

Every number comes from drives.figures through drives.snapshots.figures_at:
computed for the day asked, or, at a bimonthly period's last day, read from
the roll-up's snapshots where no later change has made them stale. A
dashboard is its scope's figures, the same figures for each unit one level
down with what they do not add up to (drives.figures.breakdown), reporting
completeness for the period due and, apart, the period running, and the trend
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
from drives.models import Drive
from drives.periods import Period
from drives.snapshots import Reading, figures_at, members_total_trend
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
    from_snapshot: bool = False  # every number on the page read from the period's fresh snapshots
    refreshing: bool = False  # a snapshot was stale: figures computed live, a roll-up is due
    remainder: figures.Remainder | None = None  # what the units do not add up to
    period_due: Period | None = None  # the reporting period the completeness figures count
    period_running: Period | None = None  # the next one, shown apart
    running: dict[str, Any] = field(default_factory=dict)  # its completeness so far
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


def figures_for(targets: list[FigureScope], day: dt.date) -> tuple[dict[str, dict[str, Any]], Reading]:
    """Figures for several scopes at once, keyed by FigureScope.key, and how they were read."""
    reading = figures_at([t.scope for t in targets], day, drive=drive_for(day))
    return {t.key: reading[t.scope.key] for t in targets}, reading


def trend(target: FigureScope, day: dt.date, drive: Drive | None) -> list[TrendPoint]:
    """members_total at the end of each of the drive's periods up to day (at day for the last)."""
    if drive is None:
        return []
    return [
        TrendPoint(period.name, at, value, from_snapshot)
        for period, at, value, from_snapshot in members_total_trend(target.scope, drive, day)
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
    drive = drive_for(day)
    reading = figures_at([t.scope for t in [target, *children]], day, drive=drive)
    found = {t.key: reading[t.scope.key] for t in [target, *children]}
    units = [Unit(child, found[child.key], dashboard_url(child)) for child in children]
    # The federation overlaps the prefectures: it is shown beside them, never summed with them.
    parts = {unit.target.key: unit.figures for unit in units if not unit.target.is_federation}
    reporting = reading.reporting
    return Dashboard(
        target=target,
        day=day,
        figures=found[target.key],
        units=units,
        unit_level=unit_level,
        trend=trend(target, day, drive) if with_trend else [],
        period=Period.containing(day),
        from_snapshot=reading.all_from_snapshot,
        refreshing=bool(reading.refreshing),
        remainder=figures.breakdown(target.scope, found[target.key], parts, lines=reading.lines)
        if units
        else None,
        period_due=reporting.due,
        period_running=reporting.running,
        running=reporting.running_counts[target.scope.key],
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
