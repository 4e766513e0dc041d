"""The directory lists' filters: enterprises, parks, townships and communities/villages.

Each derives from organizations.listing.ListFilterForm (scope, date, active
filters, the query carried to the pager and the export) and adds the
conditions the directory figures count, by the names drives.drilldown links
with. `filters()` turns the form into the selector's dataclass.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.listing import YES_NO_ANY, ListFilterForm, yes_no
from organizations.models import Park, Sector, User
from organizations.selectors import EnterpriseFilters, PlaceFilters

STATUS_CHOICES = [("", _("在营（所选日期）")), ("closed", _("已注销")), ("all", _("全部"))]
SIZE_CHOICES = [("", _("不限")), ("small", _("小微（不足25人）")), ("large", _("25人及以上"))]


class EnterpriseFilterForm(ListFilterForm):
    q = forms.CharField(label=_("名称或信用代码"), required=False)
    sector = forms.ChoiceField(
        label=_("行业"), choices=[("", _("全部行业")), *Sector.choices], required=False
    )
    park = forms.ModelChoiceField(
        label=_("园区"), queryset=Park.objects.none(), required=False, empty_label=_("全部园区")
    )
    status = forms.ChoiceField(label=_("经营状态"), choices=STATUS_CHOICES, required=False)
    size = forms.ChoiceField(label=_("规模"), choices=SIZE_CHOICES, required=False)
    covered = forms.ChoiceField(label=_("已建会覆盖"), choices=YES_NO_ANY, required=False)
    four_element = forms.ChoiceField(label=_("四要素企业"), choices=YES_NO_ANY, required=False)
    compliant = forms.ChoiceField(label=_("已建会且入会率达80%"), choices=YES_NO_ANY, required=False)
    below_80 = forms.BooleanField(label=_("入会率低于80%"), required=False)

    def __init__(self, data=None, *, user: User, **kwargs):
        super().__init__(data, user=user, **kwargs)
        self.fields["park"].queryset = Park.objects.visible_to(user)

    def filters(self) -> EnterpriseFilters:
        if self.failed:
            return EnterpriseFilters(nothing=True)
        data = self.values()
        return EnterpriseFilters(
            scope=self.scope(),
            day=self.day(),
            status=data.get("status") or "open",
            q=(data.get("q") or "").strip(),
            sector=data.get("sector") or "",
            park=data["park"].pk if data.get("park") else None,
            small=yes_no({"small": "yes", "large": "no"}.get(data.get("size") or "")),
            covered=yes_no(data.get("covered")),
            four_element=yes_no(data.get("four_element")),
            compliant=yes_no(data.get("compliant")),
            below_80=bool(data.get("below_80")),
        )


class PlaceFilterForm(ListFilterForm):
    """Parks, townships or communities/villages: one yes/no condition, named by the subclass."""

    condition = "with_union"

    def filters(self) -> PlaceFilters:
        if self.failed:
            return PlaceFilters(nothing=True)
        data = self.values()
        return PlaceFilters(
            scope=self.scope(),
            day=self.day(),
            q=(data.get("q") or "").strip(),
            condition=yes_no(data.get(self.condition)),
        )


class ParkFilterForm(PlaceFilterForm):
    q = forms.CharField(label=_("园区名称"), required=False)
    with_union = forms.ChoiceField(label=_("已建园区工会"), choices=YES_NO_ANY, required=False)


class TownshipFilterForm(PlaceFilterForm):
    condition = "eight_haves"
    q = forms.CharField(label=_("乡镇（街道）名称"), required=False)
    eight_haves = forms.ChoiceField(label=_("“八有”齐全"), choices=YES_NO_ANY, required=False)


class CommunityFilterForm(PlaceFilterForm):
    q = forms.CharField(label=_("社区／村名称"), required=False)
    with_union = forms.ChoiceField(label=_("已建社区（村）工会"), choices=YES_NO_ANY, required=False)
