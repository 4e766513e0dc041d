"""Forms of the basic directory. Each clean_<field> returns a domain value (an Area,
a normalised credit code, a list of Enterprises); the services repeat the
rules that matter, so these only make the messages friendlier and earlier.
"""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.creditcode import CreditCodeError, normalize_credit_code
from organizations.freetext import TextError, clean_free_text
from organizations.models import Area, Enterprise, Ownership, Park, Sector, Union, UnionKind, User
from organizations.models.directory import EightHaves
from organizations.scopes import Scope
from organizations.services.directory import PLACE_LEVELS

_SEPARATORS = re.compile(r"[\s;；,，、]+")


class BootstrapMixin:
    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def area_in_scope(user: User, code: str) -> Area:
    """The place a record may be put in: the user's subtree, or anywhere for the federation,
    which places its affiliates across the region (Scope.contains_code; the services check
    the same). Reading area data is narrower for the federation (AreaQuerySet)."""
    code = code.strip()
    area = Area.objects.filter(code=code, level__in=PLACE_LEVELS).first()
    if area is None or not Scope.for_user(user).contains_code(area.code):
        raise forms.ValidationError(
            _("地区代码“%(code)s”不存在或不在您的管辖范围内（应为县区6位、乡镇9位或村居12位代码）。"),
            params={"code": code},
        )
    return area


class DirectoryForm(BootstrapMixin, forms.Form):
    # The version the clerk saw, for optimistic locking on edits.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "park" in self.fields:
            self.fields["park"].queryset = Park.objects.visible_to(user).select_related("area")
        self.style()

    def clean_area(self) -> Area:
        return area_in_scope(self.user, self.cleaned_data["area"])

    def clean_name(self) -> str:
        # An enterprise's, union's or park's name is free text: no formula (organizations.freetext).
        try:
            return clean_free_text(self.cleaned_data["name"])
        except TextError as error:
            raise forms.ValidationError(str(error)) from None


class EnterpriseForm(DirectoryForm):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=30, help_text=_("18位，末位为校验码")
    )
    area = forms.CharField(label=_("所在地区代码"), max_length=12, help_text=_("县区、乡镇或村居代码"))
    park = forms.ModelChoiceField(label=_("所属园区"), queryset=Park.objects.none(), required=False)
    sector = forms.ChoiceField(label=_("行业"), choices=Sector.choices)
    ownership = forms.ChoiceField(label=_("经济类型"), choices=Ownership.choices, initial=Ownership.NONPUBLIC)
    above_scale = forms.BooleanField(label=_("规模以上"), required=False)
    employees = forms.IntegerField(label=_("职工人数"), min_value=0, max_value=1_000_000)
    migrant_workers = forms.IntegerField(label=_("农牧民工人数"), min_value=0, max_value=1_000_000)
    has_party_org = forms.BooleanField(label=_("建有党组织"), required=False)
    operating = forms.BooleanField(label=_("注册并正式投产经营"), required=False, initial=True)
    profitable = forms.BooleanField(label=_("产生经济效益"), required=False)
    registered_on = forms.DateField(label=_("注册日期"), required=False, widget=DateInput())
    closed_on = forms.DateField(label=_("注销日期"), required=False, widget=DateInput())

    def clean_credit_code(self) -> str:
        try:
            return normalize_credit_code(self.cleaned_data["credit_code"])
        except CreditCodeError as error:
            raise forms.ValidationError(_("统一社会信用代码%(why)s。"), params={"why": str(error)}) from None

    def clean(self):
        data = super().clean()
        employees, migrants = data.get("employees"), data.get("migrant_workers")
        if employees is not None and migrants is not None and migrants > employees:
            self.add_error("migrant_workers", _("农牧民工人数不能大于职工人数。"))
        registered, closed = data.get("registered_on"), data.get("closed_on")
        if registered and closed and closed < registered:
            self.add_error("closed_on", _("注销日期不能早于注册日期。"))
        return data


class UnionForm(DirectoryForm):
    name = forms.CharField(label=_("工会名称"), max_length=200)
    code = forms.CharField(label=_("工会编号"), max_length=20, required=False, help_text=_("留空则自动编号"))
    kind = forms.ChoiceField(label=_("工会类型"), choices=UnionKind.choices)
    area = forms.CharField(label=_("所在地区代码"), max_length=12, help_text=_("县区、乡镇或村居代码"))
    park = forms.ModelChoiceField(label=_("所属园区"), queryset=Park.objects.none(), required=False)
    parent = forms.CharField(
        label=_("上级工会"), max_length=200, required=False, help_text=_("工会编号或准确名称")
    )
    founded_on = forms.DateField(label=_("成立日期"), widget=DateInput())
    dissolved_on = forms.DateField(label=_("撤销日期"), required=False, widget=DateInput())
    covers = forms.CharField(
        label=_("覆盖单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("统一社会信用代码，每行一个或以分号分隔；基层工会填本单位"),
    )
    covers_from = forms.DateField(
        label=_("覆盖变更生效日期"),
        required=False,
        widget=DateInput(),
        help_text=_("新增或移除覆盖单位的日期"),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    def clean_parent(self) -> Union | None:
        text = self.cleaned_data["parent"].strip()
        if not text:
            return None
        found = list(Union.objects.visible_to(self.user).filter(code=text)[:1]) or list(
            Union.objects.visible_to(self.user).filter(name=text)[:2]
        )
        if not found:
            raise forms.ValidationError(
                _("找不到上级工会“%(text)s”（或不在您的管辖范围内）。"), params={"text": text}
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("名称为“%(text)s”的工会不止一个，请填写工会编号。"), params={"text": text}
            )
        return found[0]

    def clean_covers(self) -> list[Enterprise]:
        codes = [c.upper() for c in _SEPARATORS.split(self.cleaned_data["covers"]) if c]
        found = {
            e.credit_code: e for e in Enterprise.objects.visible_to(self.user).filter(credit_code__in=codes)
        }
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("以下统一社会信用代码不在名录中或不在您的管辖范围内：%(codes)s"),
                params={"codes": "、".join(unknown)},
            )
        return list(dict.fromkeys(found[c] for c in codes))

    def clean(self):
        data = super().clean()
        founded, dissolved = data.get("founded_on"), data.get("dissolved_on")
        if founded and dissolved and dissolved < founded:
            self.add_error("dissolved_on", _("撤销日期不能早于成立日期。"))
        return data


class ParkForm(DirectoryForm):
    name = forms.CharField(label=_("园区名称"), max_length=200)
    area = forms.CharField(label=_("所在县区代码"), max_length=12)
    established_on = forms.DateField(label=_("设立日期"), required=False, widget=DateInput())


class EightHavesForm(BootstrapMixin, forms.Form):
    checked_on = forms.DateField(label=_("确认日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in EightHaves:
            self.fields[item.value] = forms.BooleanField(label=item.label, required=False)
        self.fields["checked_on"].initial = timezone.localdate()
        self.style()
