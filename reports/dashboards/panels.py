"""The dashboard's panels as plain lines (label, value, link), shared by the page and the workbook.

Building them once means the page and the exported table cannot show two
different numbers for the same figure: both print `figures[name]` from the
same Dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from drives.figures import RATIO_NAMES
from organizations.models import Sector
from reports.dashboards.formatting import bar_width, percent
from reports.dashboards.links import Links
from reports.dashboards.selectors import Dashboard


@dataclass(frozen=True)
class Line:
    name: str  # the DESIGN figure name
    label: str
    value: Any  # an int, or a ratio (0.85) when is_ratio
    url: str | None = None
    is_ratio: bool = False

    @property
    def text(self) -> str:
        if self.is_ratio:
            return percent(self.value)
        return "—" if self.value is None else f"{self.value:,}"

    @property
    def raw(self) -> str:
        """The value as a machine reads it back (data-value): "" for none (不适用)."""
        return "" if self.value is None else repr(self.value)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    lines: list[Line]


def _line(board: Dashboard, links: Links, name: str, label) -> Line:
    """A figure of the board, linked to the list behind it (drives.drilldown) when it has one."""
    return _line_of(board.figures, links, name, label)


def sections(board: Dashboard, links: Links) -> list[Section]:
    def lines(*pairs) -> list[Line]:
        return [_line(board, links, name, label) for name, label in pairs]

    due = board.period_due
    reporting_title = (
        _("进度报告（%(period)s，%(deadline)s 截止）") % {"period": due.label, "deadline": due.deadline()}
        if due
        else _("进度报告（尚无到期的期次）")
    )
    return [
        Section(
            "members",
            str(_("农牧民工会员")),
            lines(
                ("members_total", _("会员总数")),
                ("members_baseline", _("基数")),
                ("target_members", _("目标")),
                ("growth_rate", _("增长率")),
                ("target_progress", _("目标完成率")),
                ("members_new", _("本期新入会")),
                ("transfers_in", _("本期转入")),
                ("transfers_out", _("本期转出")),
                ("new_generation_members", _("新生代会员")),
            ),
        ),
        Section(
            "four_element",
            str(_("四要素企业")),
            lines(
                ("four_element_total", _("四要素企业")),
                ("four_element_covered", _("已建会覆盖")),
                ("four_element_compliant", _("已建会且入会率达80%")),
                ("four_element_membership_rate", _("农牧民工入会率")),
            ),
        ),
        Section(
            "small",
            str(_("小微企业")),
            lines(
                ("small_enterprises_total", _("小微企业（不足25人）")),
                ("small_enterprises_covered", _("已覆盖（含联合基层工会、项目工会联合会）")),
            ),
        ),
        Section(
            "places",
            str(_("园区、乡镇、社区")),
            lines(
                ("parks_total", _("园区")),
                ("parks_with_union", _("园区已建工会")),
                ("townships_total", _("乡镇（街道）")),
                ("townships_eight_haves", _("“八有”齐全")),
                ("communities_total", _("社区／村")),
                ("communities_with_union", _("社区／村已建工会")),
            ),
        ),
        Section(
            "reporting",
            str(reporting_title),
            lines(
                ("reports_expected", _("应报")),
                ("reports_submitted", _("已报")),
                ("reports_on_time", _("按时报送")),
                *(
                    [
                        ("county_reports_expected", _("县区应报地市")),
                        ("county_reports_submitted", _("县区已报")),
                        ("county_reports_accepted", _("县区报告已采纳")),
                        ("county_reports_on_time", _("县区按时报送")),
                    ]
                    if board.figures.get("county_reports_expected")
                    else []
                ),
            ),
        ),
        Section(
            "inspections",
            str(_("督查整改")),
            [
                # Inspection problems are not a list of their own: the numbers stay plain and
                # the card links to the inspections (the template's footer).
                Line("inspection_problems_open", str(_("待整改问题")), board.inspections["open"]),
                Line("inspection_problems_overdue", str(_("逾期未整改")), board.inspections["overdue"]),
            ],
        ),
    ]


@dataclass(frozen=True)
class SectorRow:
    sector: str
    label: str
    enterprises: int
    covered: int
    enterprises_url: str | None
    covered_url: str | None
    uncovered_url: str | None

    @property
    def uncovered(self) -> int:
        return self.enterprises - self.covered

    @property
    def rate(self) -> float | None:
        return self.covered / self.enterprises if self.enterprises else None

    @property
    def rate_text(self) -> str:
        return percent(self.rate)


def sector_rows(board: Dashboard, links: Links) -> list[SectorRow]:
    by_sector = board.figures["coverage_by_sector"]
    rows = []
    for sector in Sector:
        counts = by_sector.get(sector.value) or {}
        rows.append(
            SectorRow(
                sector=sector.value,
                label=str(sector.label),
                enterprises=counts.get("enterprises", 0),
                covered=counts.get("covered", 0),
                enterprises_url=links.sector(sector.value),
                covered_url=links.sector(sector.value, covered=True),
                uncovered_url=links.sector(sector.value, covered=False),
            )
        )
    return rows


# The side-by-side table's columns (the units one level down, then what they do not add up to).
UNIT_COLUMNS = [
    ("members_total", _("会员总数")),
    ("members_baseline", _("基数")),
    ("target_members", _("目标")),
    ("target_progress", _("目标完成率")),
    ("growth_rate", _("增长率")),
    ("four_element_total", _("四要素企业")),
    ("four_element_covered", _("已建会")),
    ("four_element_compliant", _("入会率达80%")),
]


@dataclass(frozen=True)
class UnitRow:
    """One unit in the side-by-side table, every number linking to the list behind it."""

    key: str
    label: str
    url: str | None
    cells: list[Line]
    note: str = ""  # the remainder row's reasons; the federation's "overlaps"

    @property
    def progress_width(self) -> int:
        return bar_width(self.figures.get("target_progress"))

    @property
    def figures(self) -> dict[str, Any]:
        return {cell.name: cell.value for cell in self.cells}


def unit_rows(board: Dashboard) -> list[UnitRow]:
    """The units' rows and, when they do not add up to the board's total, a remainder row
    saying why (drives.figures.breakdown)."""
    rows = []
    for unit in board.units:
        links = Links(unit.target, board.day, period_due=board.period_due)
        rows.append(
            UnitRow(
                key=unit.target.key,
                label=unit.target.label,
                url=unit.url,
                cells=[_line_of(unit.figures, links, name, label) for name, label in UNIT_COLUMNS],
                note=str(_("与各地市交叉统计，不计入合计")) if unit.target.is_federation else "",
            )
        )
    if board.remainder is not None:
        rows.append(
            UnitRow(
                key="remainder",
                label=str(_("差额")),
                url=None,
                cells=[
                    Line(name, str(label), board.remainder[name], None, is_ratio=name in RATIO_NAMES)
                    for name, label in UNIT_COLUMNS
                ],
                note="；".join(board.remainder.reasons),
            )
        )
    return rows


def _line_of(found: dict[str, Any], links: Links, name: str, label) -> Line:
    return Line(name, str(label), found.get(name), links.figure(name), is_ratio=name in RATIO_NAMES)
