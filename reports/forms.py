"""Forms for reports, reviews, acceptance, typical cases and inspections."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from drives.periods import Period, PeriodError
from organizations.forms import BootstrapMixin, DateInput
from organizations.listing import ListFilterForm
from reports.models import NARRATIVE_FIELDS, InspectionProblem, ProgressReport


class ReportGridFilterForm(ListFilterForm):
    """The reports grid reached from a completeness figure: its units narrowed to a scope,
    one period's column, and the units whose report for it is submitted, on time or missing."""

    drive = forms.IntegerField(label=_("年度"), required=False, widget=forms.HiddenInput)
    period = forms.CharField(label=_("期次"), required=False, widget=forms.HiddenInput)
    level = forms.ChoiceField(
        label=_("层级"),
        required=False,
        choices=[("", _("报区总工会的单位")), ("county", _("县区报地市"))],
        widget=forms.HiddenInput,
    )
    state = forms.ChoiceField(
        label=_("报送情况"),
        required=False,
        choices=[
            ("", _("全部单位")),
            ("submitted", _("已报")),
            ("accepted", _("已采纳")),
            ("on_time", _("按时报送")),
            ("missing", _("未报")),
        ],
    )

    def clean_period(self) -> Period | None:
        raw = (self.cleaned_data.get("period") or "").strip()
        if not raw:
            return None
        try:
            return Period.parse(raw)
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        data = super().clean()
        if data.get("state") and not data.get("period"):
            self.add_error("state", _("按报送情况筛选时请同时选择期次。"))
        return data


class NarrativeForm(BootstrapMixin, forms.ModelForm):
    """The report's text; a prefecture's also says why counties not yet accepted are left."""

    class Meta:
        model = ProgressReport
        fields = [*NARRATIVE_FIELDS, "counties_note"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in [*NARRATIVE_FIELDS, "counties_note"]}

    def __init__(self, *args, with_counties_note: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_counties_note:
            del self.fields["counties_note"]
        self.style()


class ReviewForm(BootstrapMixin, forms.Form):
    comments = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


SPECIAL_REPORT_TYPES = {".pdf", ".docx", ".xlsx"}
SPECIAL_REPORT_MAX_BYTES = 20 * 1024 * 1024


class SpecialReportForm(forms.Form):
    file = forms.FileField(label=_("专题报告（PDF、Word 或 Excel）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        suffix = name[name.rfind(".") :] if "." in name else ""
        if suffix not in SPECIAL_REPORT_TYPES:
            raise forms.ValidationError(_("只接受 .pdf、.docx、.xlsx 文件。"))
        limit = SPECIAL_REPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(_("文件超过 %(mb)s MB 上限。") % {"mb": limit // 1024 // 1024})
        head = upload.read(5)
        upload.seek(0)
        # The bytes must match the type: a PDF starts "%PDF-", docx/xlsx are zip files.
        if (suffix == ".pdf" and head != b"%PDF-") or (suffix != ".pdf" and head[:2] != b"PK"):
            raise forms.ValidationError(_("文件内容与扩展名不符，请上传原始文件。"))
        return upload


class AcceptanceReviewForm(BootstrapMixin, forms.Form):
    hq_comments = forms.CharField(
        label=_("区总工会意见"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class CaseForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    sector = forms.ChoiceField(label=_("行业"))
    body = forms.CharField(label=_("案例内容"), widget=forms.Textarea(attrs={"rows": 8}))
    photos = forms.FileField(label=_("照片（可多选，jpg/png）"), required=False)

    def __init__(self, *args, **kwargs):
        from organizations.models import Sector

        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = Sector.choices
        self.fields["photos"].widget.attrs["multiple"] = True
        self.fields["photos"].widget.allow_multiple_selected = True
        self.style()

    def clean_photos(self):
        from reports.photos import PhotoError, check_photo

        files = self.files.getlist("photos") if hasattr(self.files, "getlist") else []
        for upload in files:
            try:
                check_photo(upload)
            except PhotoError as error:
                raise forms.ValidationError(str(error)) from None
        return files


class CaseReviewForm(BootstrapMixin, forms.Form):
    ACTIONS = [
        ("approve", _("审核通过")),
        ("return", _("退回")),
        ("publish", _("发布")),
        ("feature", _("推荐/取消推荐")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    note = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InspectionForm(BootstrapMixin, forms.Form):
    unit = forms.ChoiceField(label=_("督查单位"))
    visited_on = forms.DateField(label=_("督查日期"), widget=DateInput())
    team = forms.CharField(label=_("督查组成员"), max_length=300)
    units_visited = forms.CharField(label=_("走访单位"), widget=forms.Textarea(attrs={"rows": 2}))
    findings = forms.CharField(label=_("发现情况"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.key, u.label) for u in units]
        self.style()


class ProblemForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = InspectionProblem
        fields = ("description", "responsible", "deadline")
        widgets = {"deadline": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class FollowUpForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = InspectionProblem
        fields = ("status", "follow_up", "resolved_on")
        widgets = {"resolved_on": DateInput(), "follow_up": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def clean(self):
        data = super().clean()
        if data.get("status") == "resolved" and not data.get("resolved_on"):
            self.add_error("resolved_on", _("已整改的问题请填写整改完成日期。"))
        return data
