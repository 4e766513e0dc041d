"""The dashboard's panels as plain lines (label, value, link), shared by the page and the workbook.

Building them once means the page and the exported table cannot show two
different numbers for the same figure: both print `figures[name]` from the
same Dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

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


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    lines: list[Line]


def sections(board: Dashboard, links: Links) -> list[Section]:
    f = board.figures
    return [
        Section(
            "members",
            str(_("农牧民工会员")),
            [
                Line("members_total", str(_("会员总数")), f["members_total"], links.members()),
                Line("members_baseline", str(_("基数")), f["members_baseline"]),
                Line("target_members", str(_("目标")), f["target_members"]),
                Line("growth_rate", str(_("增长率")), f["growth_rate"], is_ratio=True),
                Line("target_progress", str(_("目标完成率")), f["target_progress"], is_ratio=True),
                Line("members_new", str(_("本期新入会")), f["members_new"]),
                Line("transfers_in", str(_("本期转入")), f["transfers_in"]),
                Line("transfers_out", str(_("本期转出")), f["transfers_out"]),
                Line(
                    "new_generation_members",
                    str(_("新生代会员")),
                    f["new_generation_members"],
                    links.members(new_generation="yes"),
                ),
            ],
        ),
        Section(
            "four_element",
            str(_("四要素企业")),
            [
                Line(
                    "four_element_total", str(_("四要素企业")), f["four_element_total"], links.four_element()
                ),
                Line(
                    "four_element_covered",
                    str(_("已建会覆盖")),
                    f["four_element_covered"],
                    links.four_element(covered="yes"),
                ),
                Line(
                    "four_element_compliant",
                    str(_("入会率达80%")),
                    f["four_element_compliant"],
                    links.four_element(covered="yes"),
                ),
                Line(
                    "four_element_membership_rate",
                    str(_("农牧民工入会率")),
                    f["four_element_membership_rate"],
                    links.redlists(),
                    is_ratio=True,
                ),
            ],
        ),
        Section(
            "small",
            str(_("小微企业")),
            [
                Line("small_enterprises_total", str(_("小微企业（不足25人）")), f["small_enterprises_total"]),
                Line("small_enterprises_covered", str(_("联合基层工会覆盖")), f["small_enterprises_covered"]),
            ],
        ),
        Section(
            "places",
            str(_("园区、乡镇、社区")),
            [
                Line("parks_total", str(_("园区")), f["parks_total"], links.parks()),
                Line("parks_with_union", str(_("园区已建工会")), f["parks_with_union"], links.parks()),
                Line("townships_total", str(_("乡镇（街道）")), f["townships_total"]),
                Line(
                    "townships_eight_haves",
                    str(_("“八有”齐全")),
                    f["townships_eight_haves"],
                    links.redlists(),
                ),
                Line("communities_total", str(_("社区／村")), f["communities_total"]),
                Line("communities_with_union", str(_("社区／村已建工会")), f["communities_with_union"]),
            ],
        ),
        Section(
            "reporting",
            str(_("本期进度报告")),
            [
                Line("reports_expected", str(_("应报")), f["reports_expected"], links.reports()),
                Line("reports_submitted", str(_("已报")), f["reports_submitted"], links.reports()),
                Line("reports_on_time", str(_("按时报送")), f["reports_on_time"]),
            ],
        ),
        Section(
            "inspections",
            str(_("督查整改")),
            [
                Line(
                    "inspection_problems_open",
                    str(_("待整改问题")),
                    board.inspections["open"],
                    links.inspections(),
                ),
                Line(
                    "inspection_problems_overdue",
                    str(_("逾期未整改")),
                    board.inspections["overdue"],
                    links.inspections(),
                ),
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
                enterprises_url=links.enterprises(sector=sector.value),
                covered_url=links.enterprises(sector=sector.value, covered="yes"),
                uncovered_url=links.enterprises(sector=sector.value, covered="no"),
            )
        )
    return rows


@dataclass(frozen=True)
class UnitRow:
    """One unit in the side-by-side table, every number linking to the list behind it."""

    key: str
    label: str
    url: str
    figures: dict[str, Any]
    members_url: str | None
    four_element_url: str | None
    covered_url: str | None
    redlists_url: str | None

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["figures"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def progress_text(self) -> str:
        return percent(self.figures["target_progress"])

    @property
    def progress_width(self) -> int:
        return bar_width(self.figures["target_progress"])

    @property
    def growth_text(self) -> str:
        return percent(self.figures["growth_rate"])


def unit_rows(board: Dashboard) -> list[UnitRow]:
    rows = []
    for unit in board.units:
        links = Links(unit.target, board.day)
        rows.append(
            UnitRow(
                key=unit.target.key,
                label=unit.target.label,
                url=unit.url,
                figures=unit.figures,
                members_url=links.members(),
                four_element_url=links.four_element(),
                covered_url=links.four_element(covered="yes"),
                redlists_url=links.redlists(),
            )
        )
    return rows
