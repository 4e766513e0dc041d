"""The date picker: a dashboard at any day, or at the end of one of the drive's bimonthly periods."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from drives.figures import default_day


class DatePickerForm(forms.Form):
    date = forms.DateField(
        label=_("日期"),
        required=False,
        # An <input type="date"> takes ISO dates whatever the page's language.
        widget=forms.DateInput(
            format="%Y-%m-%d", attrs={"type": "date", "id": "date-picker", "class": "form-control"}
        ),
        error_messages={"invalid": _("日期格式不正确，请写成 2015-12-31 这样。")},
    )
    period = forms.ChoiceField(
        label=_("双月期末"),
        required=False,
        widget=forms.Select(attrs={"id": "period-picker", "class": "form-select"}),
    )

    def __init__(self, *args, periods=(), **kwargs):
        """periods: (name, last day) of the drive's bimonthly periods, e.g. ("2015-B2", 2015-04-30)."""
        super().__init__(*args, **kwargs)
        self.period_ends = dict(periods)
        self.period_choices = [("", _("—"))] + [(name, name) for name in self.period_ends]
        self.fields["period"].choices = self.period_choices
        if not self.period_ends:
            self.period_choices = []

    def day(self) -> dt.date:
        """The chosen day: a period's last day, else the date, else default_day()."""
        if not self.is_bound or not self.is_valid():
            return default_day()
        period = self.cleaned_data.get("period")
        if period:
            return self.period_ends[period]
        return self.cleaned_data.get("date") or default_day()
