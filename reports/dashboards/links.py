"""Where each dashboard number leads: the list behind it, with the same scope, date and filters.

The lists belong to the directory (organizations) and members apps; this is
the one place that knows their URL names and query parameters. `area` narrows
a list to a division's subtree inside the user's own scope, `date` takes it
at the dashboard's date. A list that is not there yet gives no link.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from drives.periods import Period
from reports.dashboards.scopes import FigureScope


def list_url(name: str, target: FigureScope, day: dt.date, **filters: str) -> str | None:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    params: dict[str, str] = {}
    if target.area is not None:
        params["area"] = target.area.code
    elif target.is_federation:
        params["federation"] = "yes"
    params["date"] = day.isoformat()
    params.update({key: value for key, value in filters.items() if value})
    return f"{url}?{urlencode(params)}"


class Links:
    """The drill-down links of one dashboard (one scope, one date)."""

    def __init__(self, target: FigureScope, day: dt.date):
        self.target = target
        self.day = day

    def _for(self, target: FigureScope | None) -> FigureScope:
        return target or self.target

    def members(self, target: FigureScope | None = None, **filters: str) -> str | None:
        return list_url("members:list", self._for(target), self.day, migrant="yes", **filters)

    def enterprises(self, target: FigureScope | None = None, **filters: str) -> str | None:
        return list_url("directory:enterprise_list", self._for(target), self.day, **filters)

    def four_element(self, target: FigureScope | None = None, **filters: str) -> str | None:
        return self.enterprises(target, four_element="yes", **filters)

    def redlists(self, target: FigureScope | None = None) -> str | None:
        return list_url("directory:redlists", self._for(target), self.day)

    def unions(self, target: FigureScope | None = None, **filters: str) -> str | None:
        return list_url("directory:union_list", self._for(target), self.day, **filters)

    def parks(self, target: FigureScope | None = None, **filters: str) -> str | None:
        return list_url("directory:park_list", self._for(target), self.day, **filters)

    def reports(self) -> str | None:
        try:
            url = reverse("reports:list")
        except NoReverseMatch:
            return None
        return f"{url}?{urlencode({'period': Period.containing(self.day).name})}"

    def inspections(self) -> str | None:
        try:
            return reverse("reports:inspection_list")
        except NoReverseMatch:
            return None
