"""Reads for the reports pages: the reporting grid, reminders and a report's figure lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from drives.models import Drive
from drives.periods import Period
from organizations.scopes import Scope
from reports.figure_rows import FIGURE_ROWS, FigureRow
from reports.models import ProgressReport, ReportStatus
from reports.units import Unit

REMIND_DAYS_BEFORE = 5


@dataclass(frozen=True)
class Cell:
    """One unit × period of the grid: the version that stands (what counts as reported) and
    the newest version (a draft, a returned report, or a correction under way)."""

    unit: Unit
    period: Period
    standing: ProgressReport | None
    latest: ProgressReport | None
    today: dt.date
    counties: dict[str, int] | None = None  # a prefecture's: its counties' county_reports_* counts

    @property
    def report(self) -> ProgressReport | None:
        """The report the cell links to: the one that stands, else the newest draft or returned one."""
        return self.standing or self.latest

    @property
    def submitted(self) -> bool:
        return self.standing is not None

    @property
    def on_time(self) -> bool:
        return self.submitted and bool(self.standing.on_time)

    @property
    def correcting(self) -> ProgressReport | None:
        """A newer version of the standing report still under way (draft, submitted or returned)."""
        if self.standing is not None and self.latest is not None and self.latest.pk != self.standing.pk:
            return self.latest
        return None

    @property
    def late(self) -> bool:
        """Submitted after the deadline, or not yet submitted and the deadline has passed."""
        if self.submitted:
            return not self.on_time
        return self.today > self.period.deadline()

    @property
    def due_soon(self) -> bool:
        return not self.submitted and 0 <= (self.period.deadline() - self.today).days <= REMIND_DAYS_BEFORE

    @property
    def expected(self) -> bool:
        """A report is expected once its period has begun (it may be drafted while it runs)."""
        return self.period.start <= self.today

    @property
    def status_text(self) -> str:
        """The cell's words: the standing version's status; a returned report has not reported."""
        if self.standing is not None:
            return self.standing.get_status_display()
        if self.latest is not None and self.latest.status == ReportStatus.RETURNED:
            return str(_("已退回，待重新报送"))
        if self.latest is not None:
            return str(_("草稿（未报送）"))
        return str(_("未报送"))


@dataclass(frozen=True)
class Grid:
    drive: Drive
    periods: list[Period]
    rows: list[tuple[Unit, list[Cell]]]
    completeness: list[dict[str, Any]]  # per period, drives.figures.reporting of the grid's scope

    @property
    def rows_units(self) -> list[Unit]:
        return [unit for unit, _cells in self.rows]

    @property
    def reminders(self) -> list[Cell]:
        return [
            c
            for _u, cells in self.rows
            for c in cells
            if c.expected and not c.submitted and (c.late or c.due_soon)
        ]


GRID_STATES = ("submitted", "accepted", "on_time", "missing")


def reporting_grid(
    drive: Drive,
    units: list[Unit],
    today: dt.date,
    *,
    scope: Scope,
    periods: list[Period] | None = None,
    state: str = "",
) -> Grid:
    """Every unit × period the drive reports on: the version that stands and the newest one.

    `state` keeps the units whose report for the (single) period asked is
    submitted, accepted, on time, or missing: the lists behind reports_submitted
    (county_reports_submitted, …), reports_on_time and reports_expected −
    reports_submitted. The completeness line under the grid is
    drives.figures.reporting of `scope`, per period, and each prefecture's cell
    says how far its counties have reported (the chain's first step). Four
    queries whatever the units and periods."""
    from drives import figures

    periods = periods or drive.report_periods()
    names = [p.name for p in periods]
    reports = ProgressReport.objects.filter(
        drive=drive, period__in=names, unit_key__in=[u.key for u in units]
    )
    standing = reports.standing()
    latest = {(r.unit_key, r.period): r for r in reports if r.is_latest}
    prefectures = [unit for unit in units if unit.level == "prefecture"]
    counts = figures.reporting_by_period([scope, *(u.scope for u in prefectures)], drive, periods)
    rows = [
        (
            unit,
            [
                Cell(
                    unit,
                    p,
                    standing.get((unit.key, p.name)),
                    latest.get((unit.key, p.name)),
                    today,
                    counts[p.name][unit.scope.key] if unit.level == "prefecture" else None,
                )
                for p in periods
            ],
        )
        for unit in units
    ]
    if state and len(periods) == 1:
        keep = {
            "submitted": lambda cell: cell.submitted,
            "accepted": lambda cell: cell.submitted and cell.standing.status == ReportStatus.ACCEPTED,
            "on_time": lambda cell: cell.on_time,
            "missing": lambda cell: not cell.submitted,
        }[state]
        rows = [(unit, cells) for unit, cells in rows if keep(cells[0])]
    completeness = [{"period": period, **counts[period.name][scope.key]} for period in periods]
    return Grid(drive, periods, rows, completeness)


@dataclass(frozen=True)
class FigureLine:
    row: FigureRow
    value: Any
    change: Any
    now: Any  # the live value beside a frozen one; None when it has not moved

    @property
    def moved(self) -> bool:
        return self.now is not None


def figure_lines(shown: dict, previous: dict | None, live: dict | None) -> list[FigureLine]:
    from drives.figures import change

    changes = change(shown, previous)
    lines = []
    for row in FIGURE_ROWS:
        value = shown.get(row.name)
        now = live.get(row.name) if live is not None else None
        lines.append(FigureLine(row, value, changes.get(row.name), now if now != value else None))
    return lines


def report_history(report: ProgressReport) -> list:
    """Every step of this unit's report for the period, every version, oldest first (one query)."""
    from reports.models import ReportEvent

    return list(
        ReportEvent.objects.filter(
            report__drive=report.drive, report__period=report.period, report__unit_key=report.unit_key
        )
        .select_related("user", "report")
        .order_by("at", "pk")
    )
