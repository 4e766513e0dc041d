"""The drive page's table: every target line with its figures, parents above their children.

The region, then each prefecture followed by its counties and, where the
counties do not add up to the prefecture, a remainder row saying why
(drives.figures.breakdown: a declared baseline, a target not fully split,
records placed at the prefecture itself), then the federation apart (its
affiliates overlap the prefectures). Figures are read as every page reads
them (drives.snapshots.figures_at), in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from drives import drilldown, figures
from drives.models import Drive, Target
from drives.snapshots import figures_at
from organizations.models import Area, AreaLevel, User
from organizations.scopes import Scope

COLUMNS = ("target_members", "members_baseline", "members_total", "target_progress", "growth_rate")


@dataclass
class Row:
    key: str  # the figure scope's key in pages (a division code, "federation", "remainder")
    label: str
    figures: dict[str, Any]
    level: str  # "region", "prefecture", "county", "federation" or "remainder"
    line: Target | None = None
    members_url: str | None = None
    reasons: list[str] = field(default_factory=list)


def progress_rows(user: User, drive: Drive, day: dt.date) -> list[Row]:
    own = Scope.for_user(user)
    if own.kind not in ("area", "federation"):
        return []
    lines = {t.scope_key: t for t in Target.objects.visible_to(user).filter(drive=drive)}
    areas = []
    if own.kind == "area":
        areas = list(
            Area.objects.visible_to(user)
            .filter(level__in=[AreaLevel.REGION, AreaLevel.PREFECTURE, AreaLevel.COUNTY])
            .order_by("code")
        )
    scopes = {area.code: _scope(area) for area in areas}
    if own.kind == "federation" or own.is_region:
        scopes["federation"] = Scope.federation()
    found = figures_at(scopes.values(), day, drive=drive)

    def row(key: str, label: str, level: str, scope: Scope, line: Target | None) -> Row:
        return Row(
            key,
            label,
            found[scope.key],
            level,
            line,
            drilldown.figure_url(
                "members_total", scope, day, area_code=key if level != "federation" else None
            ),
        )

    rows: list[Row] = []
    by_parent: dict[str, list[Area]] = {}
    for area in areas:
        by_parent.setdefault(area.parent_id or "", []).append(area)
    for area in areas:
        scope = scopes[area.code]
        if area.level == AreaLevel.REGION:
            rows.append(row(area.code, area.name, "region", scope, None))
        elif area.level == AreaLevel.PREFECTURE:
            rows.append(row(area.code, area.name, "prefecture", scope, lines.get(area.prefix)))
            counties = by_parent.get(area.code, [])
            for county in counties:
                rows.append(
                    row(county.code, county.name, "county", scopes[county.code], lines.get(county.prefix))
                )
            remainder = figures.breakdown(
                scope,
                found[scope.key],
                {c.code: found[scopes[c.code].key] for c in counties},
                lines=found.lines,
                names=("target_members", "members_baseline", "members_total"),
            )
            if remainder is not None and counties:
                rows.append(Row("remainder", "", remainder.figures, "remainder", reasons=remainder.reasons))
    if own.kind == "area" and not own.is_region and not any(r.level == "prefecture" for r in rows):
        # A county's staff: their own county's line only.
        rows = [r for r in rows if r.level == "county"]
    if "federation" in scopes:
        rows.append(row("federation", "", "federation", scopes["federation"], lines.get("federation")))
    return rows


def _scope(area: Area) -> Scope:
    return Scope.region() if area.level == AreaLevel.REGION else Scope.of_area(area)
