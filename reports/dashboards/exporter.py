"""The dashboard's tables as a workbook: the same lines the page shows, one sheet each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.tabular.exporter import Exporter
from organizations.tabular.writing import Column, SheetSpec
from reports.dashboards.links import Links
from reports.dashboards.panels import sections, sector_rows
from reports.dashboards.selectors import Dashboard

# (figure name, header) for the units sheet; ratios are written as numbers formatted as percentages.
UNIT_COLUMNS = [
    ("members_total", gettext_lazy("会员总数"), False),
    ("members_baseline", gettext_lazy("基数"), False),
    ("target_members", gettext_lazy("目标"), False),
    ("target_progress", gettext_lazy("目标完成率"), True),
    ("growth_rate", gettext_lazy("增长率"), True),
    ("new_generation_members", gettext_lazy("新生代会员"), False),
    ("four_element_total", gettext_lazy("四要素企业"), False),
    ("four_element_covered", gettext_lazy("四要素企业已建会"), False),
    ("four_element_compliant", gettext_lazy("四要素企业入会率达80%"), False),
    ("four_element_membership_rate", gettext_lazy("四要素企业农牧民工入会率"), True),
    ("small_enterprises_total", gettext_lazy("小微企业"), False),
    ("small_enterprises_covered", gettext_lazy("小微企业已覆盖"), False),
    ("parks_total", gettext_lazy("园区"), False),
    ("parks_with_union", gettext_lazy("园区已建工会"), False),
    ("townships_total", gettext_lazy("乡镇（街道）"), False),
    ("townships_eight_haves", gettext_lazy("“八有”齐全乡镇"), False),
    ("communities_total", gettext_lazy("社区／村"), False),
    ("communities_with_union", gettext_lazy("社区／村已建工会"), False),
]


class DashboardExporter(Exporter):
    name = "dashboard"
    title = "工作台"

    def __init__(self, user, *, board: Dashboard):
        super().__init__(user)
        self.board = board

    def filename(self, extension: str) -> str:
        return f"{self.board.target.label}-{self.title}-{self.board.day:%Y%m%d}.{extension}"

    def rows(self) -> Iterable[Sequence[Any]]:
        links = Links(self.board.target, self.board.day, period_due=self.board.period_due)
        for section in sections(self.board, links):
            for line in section.lines:
                yield [section.title, line.label, line.name, line.value]

    def sheets(self) -> list[SheetSpec]:
        caption = [
            _("%(unit)s · 截至 %(day)s")
            % {"unit": self.board.target.label, "day": f"{self.board.day:%Y-%m-%d}"}
        ]
        overview = SheetSpec(
            _("概况"),
            [Column(_("类别"), 16), Column(_("指标"), 24), Column(_("指标代码"), 30), Column(_("数值"), 14)],
            self.rows(),
            caption=caption,
        )
        sheets = [overview]
        if self.board.units:
            sheets.append(
                SheetSpec(
                    _("下级单位"),
                    [Column(self.board.unit_level or _("单位"), 22), Column(_("代码"), 12)]
                    + [
                        Column(str(header), 12, "0.0%" if ratio else None)
                        for _name, header, ratio in UNIT_COLUMNS
                    ],
                    self._unit_rows(),
                    caption=caption,
                )
            )
        sheets.append(
            SheetSpec(
                _("分行业覆盖"),
                [
                    Column(_("行业"), 20),
                    Column(_("企业"), 10),
                    Column(_("已覆盖"), 10),
                    Column(_("覆盖率"), 10, "0.0%"),
                ],
                (
                    [row.label, row.enterprises, row.covered, row.rate]
                    for row in sector_rows(self.board, Links(self.board.target, self.board.day))
                ),
                caption=caption,
            )
        )
        if self.board.trend:
            sheets.append(
                SheetSpec(
                    _("双月变化"),
                    [Column(_("期"), 12), Column(_("会员总数"), 12)],
                    ([point.period, point.members_total] for point in self.board.trend),
                    caption=caption,
                )
            )
        return sheets

    def _unit_rows(self) -> Iterable[Sequence[Any]]:
        for unit in self.board.units:
            yield [unit.target.label, unit.target.key] + [unit.figures[name] for name, _h, _r in UNIT_COLUMNS]
        remainder = self.board.remainder
        if remainder is not None:
            # What the units do not add up to, and why, as on the page.
            yield [_("差额"), "；".join(remainder.reasons)] + [
                remainder[name] for name, _h, _r in UNIT_COLUMNS
            ]
