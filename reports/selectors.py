"""Reads for the reports pages: the reporting grid, reminders and a report's figure lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from drives.models import Drive
from drives.periods import Period
from reports.figure_rows import FIGURE_ROWS, FigureRow
from reports.models import SUBMITTED_STATUSES, ProgressReport
from reports.units import Unit

REMIND_DAYS_BEFORE = 5


@dataclass(frozen=True)
class Cell:
    unit: Unit
    period: Period
    report: ProgressReport | None
    today: dt.date

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status in SUBMITTED_STATUSES

    @property
    def late(self) -> bool:
        """Submitted after the deadline, or not yet submitted and the deadline has passed."""
        if self.submitted:
            return not self.report.on_time
        return self.today > self.period.deadline()

    @property
    def due_soon(self) -> bool:
        return not self.submitted and 0 <= (self.period.deadline() - self.today).days <= REMIND_DAYS_BEFORE

    @property
    def expected(self) -> bool:
        """A report is expected once its period has ended (or is running: it may be drafted)."""
        return self.period.start <= self.today


@dataclass(frozen=True)
class Grid:
    drive: Drive
    periods: list[Period]
    rows: list[tuple[Unit, list[Cell]]]

    @property
    def reminders(self) -> list[Cell]:
        return [
            c
            for _u, cells in self.rows
            for c in cells
            if c.expected and not c.submitted and (c.late or c.due_soon)
        ]

    def completeness(self) -> list[dict[str, Any]]:
        found = []
        for i, period in enumerate(self.periods):
            cells = [cells[i] for _u, cells in self.rows]
            submitted = [c for c in cells if c.submitted]
            found.append(
                {
                    "period": period,
                    "expected": len(cells),
                    "submitted": len(submitted),
                    "on_time": sum(1 for c in submitted if not c.late),
                }
            )
        return found


def reporting_grid(drive: Drive, units: list[Unit], today: dt.date) -> Grid:
    """Every unit × period the drive reports on with its latest report (one query)."""
    periods = drive.report_periods()
    reports = {
        (r.unit_key, r.period): r
        for r in ProgressReport.objects.filter(
            drive=drive, is_latest=True, unit_key__in=[u.key for u in units]
        )
    }
    rows = [
        (unit, [Cell(unit, p, reports.get((unit.key, p.name)), today) for p in periods]) for unit in units
    ]
    return Grid(drive, periods, rows)


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
