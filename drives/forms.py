"""Forms for drives and targets; clean_<field> returns domain values."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from drives.models import Drive, Target
from drives.services import PHASE_FIELDS, TARGET_FIELDS
from organizations.forms import BootstrapMixin, DateInput


class DriveForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Drive
        fields = ("year", "name", "baseline_year", *PHASE_FIELDS)
        widgets = {name: DateInput() for name in PHASE_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def validate_unique(self):
        """The service refuses a second drive for a year with its own message."""


class TargetForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Target
        fields = TARGET_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def validate_unique(self):
        """Uniqueness is the service's (drive, unit) lookup."""


class SplitForm(BootstrapMixin, forms.Form):
    """One member target per county of a prefecture."""

    def __init__(self, *args, split, **kwargs):
        super().__init__(*args, **kwargs)
        for line in split.lines:
            self.fields[line.area.code] = forms.IntegerField(
                label=line.area.name,
                min_value=0,
                required=False,
                initial=line.target.member_target if line.target else None,
                error_messages={"min_value": _("目标不能为负数。")},
            )
        self.style()

    def member_targets(self) -> dict[str, int]:
        return {code: value for code, value in self.cleaned_data.items() if value is not None}


class RollupForm(forms.Form):
    period = forms.CharField(label=_("期次"), max_length=7)

    def clean_period(self):
        from drives.periods import Period, PeriodError

        try:
            return Period.parse(self.cleaned_data["period"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None
