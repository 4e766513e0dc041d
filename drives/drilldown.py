"""Where each figure leads: the list holding exactly the rows it counts (DESIGN "Drill-down").

`figure_url(name, scope, day)` is the link behind a number: the list's URL
with the scope (`area=CODE` or `federation=yes`), the day (`date=`) and the
figure's own conditions, all of which the list honours, shows as active
filters and carries into its export (organizations.listing). The conditions
restate drives.figures' definitions in the lists' filter names; the invariant
test (tests/drives/test_one_number.py) opens every link and counts the rows.
A figure with no list (a ratio, a baseline, a target) has no link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

from django.urls import reverse

from drives.periods import Period
from organizations.scopes import Scope

Conditions = Callable[[dt.date, Period], dict[str, str]]


def _flow(period: Period, day: dt.date) -> tuple[str, str]:
    """The flows' window: the period's first day up to day (drives.figures)."""
    return period.start.isoformat(), min(day, period.end).isoformat()


def _joined(channel: str) -> Conditions:
    def conditions(day: dt.date, period: Period) -> dict[str, str]:
        start, end = _flow(period, day)
        return {"migrant": "yes", "state": "any", "channel": channel, "joined_from": start, "joined_to": end}

    return conditions


def _left(reason: str) -> Conditions:
    def conditions(day: dt.date, period: Period) -> dict[str, str]:
        start, end = _flow(period, day)
        return {"migrant": "yes", "state": "any", "end_reason": reason, "left_from": start, "left_to": end}

    return conditions


def _fixed(**conditions: str) -> Conditions:
    return lambda day, period: dict(conditions)


# figure name -> (list URL name, its conditions)
LISTS: dict[str, tuple[str, Conditions]] = {
    "members_total": ("members:list", _fixed(migrant="yes")),
    "new_generation_members": ("members:list", _fixed(migrant="yes", new_generation="yes")),
    "members_new": ("members:list", _joined("new")),
    "transfers_in": ("members:list", _joined("transfer_in")),
    "transfers_out": ("members:list", _left("transfer_out")),
    "four_element_total": ("directory:enterprise_list", _fixed(four_element="yes")),
    "four_element_covered": ("directory:enterprise_list", _fixed(four_element="yes", covered="yes")),
    "four_element_compliant": ("directory:enterprise_list", _fixed(four_element="yes", compliant="yes")),
    "small_enterprises_total": ("directory:enterprise_list", _fixed(size="small")),
    "small_enterprises_covered": ("directory:enterprise_list", _fixed(size="small", covered="yes")),
    "parks_total": ("directory:park_list", _fixed()),
    "parks_with_union": ("directory:park_list", _fixed(with_union="yes")),
    "townships_total": ("directory:township_list", _fixed()),
    "townships_eight_haves": ("directory:township_list", _fixed(eight_haves="yes")),
    "communities_total": ("directory:community_list", _fixed()),
    "communities_with_union": ("directory:community_list", _fixed(with_union="yes")),
}
# Figures counted in places only an area has: no list for the federation or a union.
AREA_ONLY = {
    name
    for name, (url, _c) in LISTS.items()
    if url in ("directory:township_list", "directory:community_list", "directory:park_list")
}


def scope_params(scope: Scope, area_code: str | None) -> dict[str, str] | None:
    """The list parameters selecting scope (None: a scope no list can be narrowed to)."""
    if scope.kind == "federation":
        return {"federation": "yes"}
    if scope.kind == "union":
        return {}  # union staff: their lists are their union's already
    if scope.kind == "area" and area_code:
        return {"area": area_code}
    return None


def list_url(url_name: str, params: dict[str, str]) -> str:
    return f"{reverse(url_name)}?{urlencode(params)}"


def figure_url(
    name: str, scope: Scope, day: dt.date, *, area_code: str | None = None, period: Period | None = None
) -> str | None:
    """The link behind figure `name` of scope at day, or None when no list holds its rows."""
    if name not in LISTS or (name in AREA_ONLY and scope.kind != "area"):
        return None
    selected = scope_params(scope, area_code)
    if selected is None:
        return None
    url_name, conditions = LISTS[name]
    params = {**selected, "date": day.isoformat(), **conditions(day, period or Period.containing(day))}
    return list_url(url_name, params)


def sector_url(
    sector: str, covered: bool | None, scope: Scope, day: dt.date, *, area_code: str | None = None
) -> str | None:
    """coverage_by_sector: the sector's open enterprises (covered or not, when asked)."""
    selected = scope_params(scope, area_code)
    if selected is None:
        return None
    params = {**selected, "date": day.isoformat(), "sector": sector}
    if covered is not None:
        params["covered"] = "yes" if covered else "no"
    return list_url("directory:enterprise_list", params)


def reports_url(
    scope: Scope,
    period: Period | None,
    *,
    area_code: str | None = None,
    state: str = "",
    counties: bool = False,
) -> str | None:
    """reports_* (county_reports_*): the reports grid's column for the period, its rows narrowed
    to the scope's reporting units (counties) and, by state, to those submitted, accepted or on time."""
    if period is None:
        return None
    selected = scope_params(scope, area_code)
    if selected is None or (counties and scope.kind != "area"):
        return None
    params = {**selected, "drive": str(period.year), "period": period.name}
    if counties:
        params["level"] = "county"
    if state:
        params["state"] = state
    return list_url("reports:list", params)


REPORT_STATES = {
    "reports_expected": "",
    "reports_submitted": "submitted",
    "reports_on_time": "on_time",
    "county_reports_expected": "",
    "county_reports_submitted": "submitted",
    "county_reports_accepted": "accepted",
    "county_reports_on_time": "on_time",
}
