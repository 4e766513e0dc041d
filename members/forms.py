"""Forms for members. clean_<field> returns domain values (an IdNumber, a
normalised phone, an ethnic group's name); the services keep the rules."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.ethnicity import ETHNICITY_CHOICES
from members.idnumber import IdNumber, IdNumberError, parse_id_number
from members.models import EndReason, JoinChannel
from members.phone import PhoneError, normalize_phone
from members.selectors import RosterFilters
from organizations.forms import BootstrapMixin, DateInput
from organizations.freetext import TextError, clean_free_text, clean_person_name
from organizations.listing import YES_NO_ANY, ListFilterForm, yes_no
from organizations.models import Enterprise, Sector, Union


def clean_id(value: str) -> IdNumber:
    try:
        return parse_id_number(value)
    except IdNumberError as error:
        raise forms.ValidationError(str(error)) from None


def clean_text(value: str, rule: Callable[[str], str]) -> str:
    """A name or free-text field under organizations.freetext's rule."""
    try:
        return rule(value)
    except TextError as error:
        raise forms.ValidationError(str(error)) from None


def clean_phone(value: str, required: bool) -> str:
    if not value.strip():
        if required:
            raise forms.ValidationError(_("请填写手机号。"))
        return ""
    try:
        return normalize_phone(value)
    except PhoneError as error:
        raise forms.ValidationError(str(error)) from None


# Above this many choices a drop-down is no help (HQ's region has tens of thousands
# of firms): the field takes the union's code or the firm's credit code instead.
LONGEST_DROPDOWN = 500


class ScopedForm(BootstrapMixin, forms.Form):
    """Union and employer choices limited to the user's scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "union" in self.fields:
            unions = Union.objects.visible_to(user).filter(dissolved_on__isnull=True)
            self._choose(self.fields["union"], unions, "code", _("填写工会编号"))
        if "employer" in self.fields:
            firms = Enterprise.objects.visible_to(user).filter(closed_on__isnull=True)
            self._choose(self.fields["employer"], firms, "credit_code", _("填写统一社会信用代码"))
        self.style()

    @staticmethod
    def _choose(field: forms.ModelChoiceField, queryset, code: str, prompt: str) -> None:
        field.queryset = queryset
        if queryset.count() > LONGEST_DROPDOWN:
            # Still validated against the scoped queryset: a code outside it is an invalid choice.
            field.to_field_name = code
            field.widget = forms.TextInput(attrs={"placeholder": prompt})


class PersonFields(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    ethnicity = forms.ChoiceField(label=_("民族"), choices=ETHNICITY_CHOICES, initial="藏族")
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    hukou_place = forms.CharField(label=_("户籍地"), max_length=100, required=False)
    is_migrant = forms.BooleanField(label=_("农牧民工"), required=False, initial=True)

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"], required=False)

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"], clean_person_name)

    def clean_hukou_place(self) -> str:
        return clean_text(self.cleaned_data["hukou_place"], clean_free_text)


class EnrolForm(ScopedForm, PersonFields):
    id_number = forms.CharField(label=_("身份证号"), max_length=24, help_text=_("18位，末位X大小写均可"))
    union = forms.ModelChoiceField(label=_("所属工会"), queryset=Union.objects.none())
    employer = forms.ModelChoiceField(label=_("工作单位"), queryset=Enterprise.objects.none(), required=False)
    joined_on = forms.DateField(label=_("入会日期"), widget=DateInput())
    channel = forms.ChoiceField(
        label=_("入会方式"), choices=[c for c in JoinChannel.choices if c[0] != JoinChannel.TRANSFER_IN]
    )
    field_order = ["name", "id_number", "ethnicity", "phone", "hukou_place", "is_migrant"]

    def clean_id_number(self) -> IdNumber:
        return clean_id(self.cleaned_data["id_number"])


class MemberEditForm(BootstrapMixin, PersonFields):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class EndForm(BootstrapMixin, forms.Form):
    left_on = forms.DateField(label=_("离会日期"), widget=DateInput())
    reason = forms.ChoiceField(
        label=_("离会原因"), choices=[c for c in EndReason.choices if c[0] != EndReason.TRANSFER_OUT]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class TransferIssueForm(BootstrapMixin, forms.Form):
    issued_on = forms.DateField(label=_("开具日期"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("备注（如调往何处）"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class TransferAcceptForm(ScopedForm):
    number = forms.CharField(
        label=_("凭证编号"), max_length=30, help_text=_("如 ZJ-2015-000123，或扫描凭证上的二维码")
    )
    union = forms.ModelChoiceField(label=_("接收工会"), queryset=Union.objects.none())
    employer = forms.ModelChoiceField(
        label=_("新工作单位"), queryset=Enterprise.objects.none(), required=False
    )
    accepted_on = forms.DateField(label=_("接收日期"), widget=DateInput(), initial=timezone.localdate)


class ApproveForm(ScopedForm):
    employer = forms.ModelChoiceField(label=_("工作单位"), queryset=Enterprise.objects.none(), required=False)
    joined_on = forms.DateField(label=_("入会日期"), widget=DateInput(), initial=timezone.localdate)
    channel = forms.ChoiceField(
        label=_("入会方式"),
        choices=[
            (JoinChannel.ONLINE, JoinChannel.ONLINE.label),
            (JoinChannel.SOURCE, JoinChannel.SOURCE.label),
        ],
    )
    is_migrant = forms.BooleanField(label=_("农牧民工"), required=False, initial=True)


class RejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("驳回理由"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class RosterState:
    ACTIVE = "active"
    ANY = "any"
    CHOICES = [("", _("在册（所选日期有效会籍）")), (ANY, _("全部会籍（含已离会）"))]


# "new": every way of joining but a transfer (DESIGN members_new).
CHANNEL_CHOICES = [("", _("不限")), ("new", _("新入会（转入以外）")), *JoinChannel.choices]


class RosterFilterForm(ListFilterForm):
    """The roster's filters: the shared scope and date (organizations.listing), and the
    conditions the member figures count (drives.drilldown links with them)."""

    q = forms.CharField(label=_("姓名、身份证号或手机号"), required=False)
    union = forms.ModelChoiceField(
        label=_("工会"), queryset=Union.objects.none(), required=False, empty_label=_("全部工会")
    )
    employer = forms.ModelChoiceField(
        label=_("工作单位"), queryset=Enterprise.objects.none(), required=False, empty_label=_("全部单位")
    )
    sector = forms.ChoiceField(
        label=_("行业"), choices=[("", _("全部行业")), *Sector.choices], required=False
    )
    migrant = forms.ChoiceField(label=_("农牧民工"), choices=YES_NO_ANY, required=False)
    new_generation = forms.ChoiceField(label=_("新生代"), choices=YES_NO_ANY, required=False)
    state = forms.ChoiceField(label=_("会籍"), choices=RosterState.CHOICES, required=False)
    channel = forms.ChoiceField(label=_("入会方式"), choices=CHANNEL_CHOICES, required=False)
    joined_from = forms.DateField(label=_("入会日期从"), required=False, widget=DateInput())
    joined_to = forms.DateField(label=_("入会日期至"), required=False, widget=DateInput())
    end_reason = forms.ChoiceField(
        label=_("离会原因"), choices=[("", _("不限")), *EndReason.choices], required=False
    )
    left_from = forms.DateField(label=_("离会日期从"), required=False, widget=DateInput())
    left_to = forms.DateField(label=_("离会日期至"), required=False, widget=DateInput())

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        ScopedForm._choose(self.fields["union"], Union.objects.visible_to(user), "code", _("填写工会编号"))
        ScopedForm._choose(
            self.fields["employer"],
            Enterprise.objects.visible_to(user),
            "credit_code",
            _("填写统一社会信用代码"),
        )
        self.style()

    def filters(self) -> RosterFilters:
        """The filters as the roster selector takes them; an invalid form filters out everything."""
        if self.failed:
            return RosterFilters(nothing=True)
        data = self.values()
        return RosterFilters(
            scope=self.scope(),
            day=self.day(),
            every_membership=data.get("state") == RosterState.ANY,
            q=(data.get("q") or "").strip(),
            union_id=data["union"].pk if data.get("union") else None,
            employer_id=data["employer"].pk if data.get("employer") else None,
            sector=data.get("sector") or "",
            migrant=yes_no(data.get("migrant")),
            new_generation=yes_no(data.get("new_generation")),
            channel=data.get("channel") or "",
            joined_from=data.get("joined_from"),
            joined_to=data.get("joined_to"),
            end_reason=data.get("end_reason") or "",
            left_from=data.get("left_from"),
            left_to=data.get("left_to"),
        )


class JoinForm(BootstrapMixin, forms.Form):
    """The public form. `website` is a honeypot: people never see it, bots fill it."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=24)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    ethnicity = forms.ChoiceField(label=_("民族"), choices=ETHNICITY_CHOICES, initial="藏族")
    employer_name = forms.CharField(label=_("工作单位"), max_length=200)
    website = forms.CharField(required=False, label=_("请勿填写此项"))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean_id_number(self) -> IdNumber:
        return clean_id(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"], required=True)

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"], clean_person_name)

    def clean_employer_name(self) -> str:
        return clean_text(self.cleaned_data["employer_name"], clean_free_text)
