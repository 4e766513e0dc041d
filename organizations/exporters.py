"""The directory's exports: enterprises, unions, and the plan's red lists, under the user's scope.

Each class only yields rows (organizations.tabular.exporter); rows are read
with .iterator() so a region-wide export streams instead of loading 50,000
model instances, and covering unions come from one grouped query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from organizations.list_forms import EnterpriseFilterForm
from organizations.listing import FilteredExport
from organizations.models import Coverage, Enterprise, Ownership, Sector, Union, UnionKind
from organizations.selectors import enterprise_list, membership_rate, red_lists, union_list
from organizations.tabular.exporter import Exporter
from organizations.tabular.writing import Column, SheetSpec

YES, NO = "是", "否"
PERCENT = "0.0%"


def yes_no(value: bool) -> str:
    return YES if value else NO


ENTERPRISE_COLUMNS = [
    Column("单位名称", 34),
    Column("统一社会信用代码", 22),
    Column("所在地区代码", 14),
    Column("所在地区", 16),
    Column("所属园区", 18),
    Column("行业", 14),
    Column("经济类型", 10),
    Column("是否规模以上", 8),
    Column("职工人数", 9),
    Column("农牧民工人数", 9),
    Column("四要素企业", 8),
    Column("已建会覆盖", 8),
    Column("覆盖工会", 30),
    Column("农牧民工会员数", 9),
    Column("农牧民工入会率", 9, PERCENT),
    Column("注册日期", 12),
    Column("注销日期", 12),
]


def _covering_unions(day, enterprise_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
    coverages = (
        Coverage.objects.active_on(day).values_list("enterprise_id", "union__name").order_by("union__name")
    )
    if enterprise_ids is not None:
        coverages = coverages.filter(enterprise_id__in=list(enterprise_ids))
    found: dict[int, list[str]] = defaultdict(list)
    for enterprise_id, name in coverages.iterator():
        found[enterprise_id].append(name)
    return found


def enterprise_rows(enterprises, day) -> Iterable[list]:
    sectors, ownerships = dict(Sector.choices), dict(Ownership.choices)
    enterprises = list(enterprises.prefetch_related(None))
    # A long list reads every active coverage once rather than sending thousands of ids.
    unions = _covering_unions(day, [e.pk for e in enterprises] if len(enterprises) <= 2000 else None)
    for e in enterprises:
        yield [
            e.name,
            e.credit_code,
            e.area_id,
            e.area.name,
            e.park.name if e.park else "",
            str(sectors.get(e.sector, e.sector)),
            str(ownerships.get(e.ownership, e.ownership)),
            yes_no(e.above_scale),
            e.employees,
            e.migrant_workers,
            yes_no(e.is_four_element),
            yes_no(e.covered),
            "；".join(unions.get(e.pk, [])),
            e.migrant_members,
            membership_rate(e.migrant_members, e.migrant_workers),
            e.registered_on,
            e.closed_on,
        ]


UNION_COLUMNS = [
    Column("工会名称", 34),
    Column("工会编号", 16),
    Column("工会类型", 16),
    Column("所在地区代码", 14),
    Column("所在地区", 16),
    Column("所属园区", 18),
    Column("上级工会", 30),
    Column("成立日期", 12),
    Column("撤销日期", 12),
    Column("覆盖单位数", 9),
    Column("会员数", 9),
    Column("隶属非公联合会", 8),
]


def union_rows(unions) -> Iterable[list]:
    kinds = dict(UnionKind.choices)
    for u in unions:
        yield [
            u.name,
            u.code,
            str(kinds.get(u.kind, u.kind)),
            u.area_id,
            u.area.name,
            u.park.name if u.park else "",
            u.parent.name if u.parent else "",
            u.founded_on,
            u.dissolved_on,
            u.covers_count,
            u.members_count,
            yes_no(u.federation_affiliate),
        ]


class EnterpriseExporter(FilteredExport, Exporter):
    """The enterprise list under its filters (all of the user's scope, open today, without any)."""

    name = "enterprises"
    title = "企业名录"
    columns = ENTERPRISE_COLUMNS
    form_class = EnterpriseFilterForm

    def count(self) -> int:
        return enterprise_list(self.user, self.form.filters()).count()

    def rows(self):
        form = self.form
        return enterprise_rows(enterprise_list(self.user, form.filters()), form.day())


class UnionExporter(Exporter):
    name = "unions"
    title = "工会名录"
    columns = UNION_COLUMNS

    def count(self) -> int:
        return Union.objects.visible_to(self.user).count()

    def rows(self):
        return union_rows(union_list(self.user, self.today))


class DirectoryExporter(Exporter):
    """Both lists in one workbook."""

    name = "directory"
    title = "基本名录"

    def count(self) -> int:
        """Firms and unions together, in one query."""
        firms = Enterprise.objects.visible_to(self.user).order_by().values("pk")
        unions = Union.objects.visible_to(self.user).order_by().values("pk")
        return firms.union(unions, all=True).count()

    def rows(self):
        return EnterpriseExporter(self.user, query={"status": "all"}).rows()

    def sheets(self) -> list[SheetSpec]:
        return [
            SheetSpec("企业名录", ENTERPRISE_COLUMNS, self.rows()),
            SheetSpec("工会名录", UNION_COLUMNS, UnionExporter(self.user).rows()),
        ]


PARK_COLUMNS = [
    Column("园区名称", 30),
    Column("所在地区代码", 14),
    Column("所在地区", 16),
    Column("入驻单位数", 10),
]
TOWNSHIP_COLUMNS = [
    Column("乡镇（街道）", 24),
    Column("区划代码", 14),
    Column("所属县区", 16),
    Column("最近确认日期", 12),
    Column("缺少的项目", 60),
]


class RedListExporter(FilteredExport, Exporter):
    """The red lists page as a workbook, at the page's date and in its area."""

    name = "redlists"
    title = "红名单"

    def _lists(self):
        form = self.form
        return red_lists(self.user, form.day(), form.scope())

    def count(self) -> int:
        """The open firms the lists are drawn from: what finding them costs, and as many
        rows as the firm lists can hold (counting the lists themselves is the export's work)."""
        form = self.form
        return form.narrow(Enterprise.objects.visible_to(self.user).open_on(form.day())).count()

    def rows(self):
        lists = self._lists()
        return enterprise_rows(lists.four_element_without_union, lists.day)

    def sheets(self) -> list[SheetSpec]:
        lists = self._lists()
        day = lists.day
        caption = [f"数据日期：{day:%Y-%m-%d}"]
        return [
            SheetSpec(
                "四要素未建会",
                ENTERPRISE_COLUMNS,
                enterprise_rows(lists.four_element_without_union, day),
                caption,
            ),
            SheetSpec(
                "四要素入会率低于80%",
                ENTERPRISE_COLUMNS,
                enterprise_rows(lists.four_element_below_80, day),
                caption,
            ),
            SheetSpec(
                "小微企业未覆盖",
                ENTERPRISE_COLUMNS,
                enterprise_rows(lists.small_without_union, day),
                caption,
            ),
            SheetSpec(
                "园区未建会",
                PARK_COLUMNS,
                ([p.name, p.area_id, p.area.name, p.enterprises_count] for p in lists.parks_without_union),
                caption,
            ),
            SheetSpec(
                "乡镇八有不全",
                TOWNSHIP_COLUMNS,
                (
                    [
                        t.name,
                        t.code,
                        t.parent.name if t.parent else "",
                        check.checked_on if check else None,
                        "、".join(m),
                    ]
                    for t, check, m in lists.townships_missing_haves
                ),
                caption,
            ),
        ]
