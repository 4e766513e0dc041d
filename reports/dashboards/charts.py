"""The numbers the charts draw, as JSON-ready dicts (passed to the page with json_script).

Each chart repeats a table on the page; this only reshapes the same values.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from organizations.models import Sector
from reports.dashboards.selectors import Dashboard


def chart_data(board: Dashboard) -> dict[str, Any]:
    figures = board.figures
    by_sector = figures["coverage_by_sector"]
    return {
        "trend": {
            "periods": [point.period for point in board.trend],
            "members": [point.members_total for point in board.trend],
            "target": figures["target_members"],
            "baseline": figures["members_baseline"],
            "labels": {"members": _("会员总数"), "target": _("目标"), "baseline": _("基数")},
        },
        "sectors": {
            "names": [str(sector.label) for sector in Sector],
            "enterprises": [(by_sector.get(sector.value) or {}).get("enterprises", 0) for sector in Sector],
            "covered": [(by_sector.get(sector.value) or {}).get("covered", 0) for sector in Sector],
            "labels": {"enterprises": _("企业"), "covered": _("已覆盖")},
        },
        "progress": {
            "names": [unit.target.label for unit in board.units],
            "progress": [_percent_points(unit.figures["target_progress"]) for unit in board.units],
            "label": _("目标完成率"),
        },
    }


def _percent_points(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio * 100, 1)
