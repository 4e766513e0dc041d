"""Where each dashboard number leads: drives.drilldown's list for the figure, for this board.

The board's scope and date go into every link (area=CODE or federation=yes,
date=…); the figure's own conditions come from drives.drilldown, so the list
opened holds exactly the rows the number counts.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from drives import drilldown
from drives.periods import Period
from reports.dashboards.scopes import FigureScope


class Links:
    """The drill-down links of one dashboard (one scope, one date)."""

    def __init__(self, target: FigureScope, day: dt.date, *, period_due: Period | None = None):
        self.target = target
        self.day = day
        self.period_due = period_due

    @property
    def _area_code(self) -> str | None:
        return self.target.area.code if self.target.area is not None else None

    def figure(self, name: str) -> str | None:
        if name in drilldown.REPORT_STATES:
            return drilldown.reports_url(
                self.target.scope,
                self.period_due,
                area_code=self._area_code,
                state=drilldown.REPORT_STATES[name],
                counties=name.startswith("county_"),
            )
        return drilldown.figure_url(name, self.target.scope, self.day, area_code=self._area_code)

    def sector(self, sector: str, covered: bool | None = None) -> str | None:
        return drilldown.sector_url(sector, covered, self.target.scope, self.day, area_code=self._area_code)

    def redlists(self) -> str | None:
        selected = drilldown.scope_params(self.target.scope, self._area_code)
        if selected is None:
            return None
        return drilldown.list_url("directory:redlists", {**selected, "date": self.day.isoformat()})

    def inspections(self) -> str:
        return reverse("reports:inspection_list")
