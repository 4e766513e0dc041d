"""The figures a progress report and the official forms show, in order, with their labels.

Values always come from drives.figures (live) or a report's frozen copy of it;
this module only says which names to show and how.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FigureRow:
    name: str
    label: str
    is_ratio: bool = False


FIGURE_ROWS = [
    FigureRow("members_total", _("农牧民工会员总数（人）")),
    FigureRow("members_new", _("本期新增会员（人）")),
    FigureRow("transfers_in", _("本期转入（人）")),
    FigureRow("transfers_out", _("本期转出（人）")),
    FigureRow("new_generation_members", _("其中新生代会员（人）")),
    FigureRow("members_baseline", _("基数（人）")),
    FigureRow("growth_rate", _("较基数增长率"), is_ratio=True),
    FigureRow("target_members", _("目标任务（人）")),
    FigureRow("target_progress", _("目标完成率"), is_ratio=True),
    FigureRow("four_element_total", _("四要素企业（家）")),
    FigureRow("four_element_covered", _("其中已建会（家）")),
    FigureRow("four_element_compliant", _("其中入会率达80%（家）")),
    FigureRow("four_element_membership_rate", _("四要素企业农牧民工入会率"), is_ratio=True),
    FigureRow("small_enterprises_total", _("小微企业（家）")),
    FigureRow("small_enterprises_covered", _("其中联合建会覆盖（家）")),
    FigureRow("parks_total", _("园区（个）")),
    FigureRow("parks_with_union", _("其中已建会（个）")),
    FigureRow("townships_total", _("乡镇（街道）（个）")),
    FigureRow("townships_eight_haves", _("其中“八有”达标（个）")),
    FigureRow("communities_total", _("社区（村）（个）")),
    FigureRow("communities_with_union", _("其中已建会（个）")),
]
