"""What every list reached from a number shares (DESIGN "Drill-down").

A number on a dashboard, report, red list or acceptance page links to a list
with the scope, date and conditions it counts (drives.drilldown builds the
links). Each such list's filter form derives from ListFilterForm, which takes:

- `area`: a division code; the list is narrowed to that subtree, inside the
  user's own scope (a code outside it is not found: 404, like any object);
- `federation=yes`: the non-public enterprise federation's affiliates (HQ and
  the federation's staff only);
- `date`: the day the list is taken at (today, Beijing time, by default).

The form shows what is active above the list (`chips`), carries the same
query string to the pager and the export (`query`), and an invalid value
shows its error over an empty list, never the unfiltered one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.forms import BootstrapMixin, DateInput
from organizations.models import Area, AreaLevel, User
from organizations.scopes import Scope

YES_NO_ANY = [("", _("不限")), ("yes", _("是")), ("no", _("否"))]


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@dataclass(frozen=True)
class Chip:
    label: str
    text: str


class ListFilterForm(BootstrapMixin, forms.Form):
    area = forms.CharField(label=_("地区"), required=False, widget=forms.HiddenInput)
    federation = forms.ChoiceField(
        label=_("范围"),
        choices=[("", ""), ("yes", _("区非公企业工会联合会所属"))],
        required=False,
        widget=forms.HiddenInput,
    )
    date = forms.DateField(
        label=_("日期"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("日期格式不正确，请写成 2015-12-31 这样。")},
    )

    def __init__(self, data=None, *, user: User, **kwargs):
        super().__init__(data or None, **kwargs)
        self.user = user
        self.style()

    # --- the scope and the day -------------------------------------------------

    def clean_area(self) -> Area | None:
        code = (self.cleaned_data.get("area") or "").strip()
        if not code:
            return None
        area = Area.objects.visible_to(self.user).filter(code=code).first()
        if area is None:
            raise Http404  # outside the user's scope, the area is simply not found
        return area

    def clean_federation(self) -> bool:
        if self.cleaned_data.get("federation") != "yes":
            return False
        own = Scope.for_user(self.user)
        if not (own.kind == "federation" or own.is_region):
            raise Http404
        return True

    def values(self) -> dict:
        """The cleaned filters, or an empty dict while unbound; invalid forms have none."""
        if not self.is_bound:
            return {}
        return self.cleaned_data if self.is_valid() else {}

    @property
    def failed(self) -> bool:
        """Bound with errors: the list shows the errors and no rows."""
        return self.is_bound and not self.is_valid()

    def scope(self) -> Scope | None:
        """The part of the user's scope the list is narrowed to (None: all of it)."""
        values = self.values()
        if values.get("federation"):
            return Scope.federation()
        area = values.get("area")
        if area is None:
            return None
        return Scope.region() if area.level == AreaLevel.REGION else Scope.of_area(area)

    def day(self) -> dt.date:
        return self.values().get("date") or timezone.localdate()

    def narrow(self, queryset):
        scope = self.scope()
        return queryset if scope is None else queryset.in_scope(scope)

    # --- what the page shows and carries -------------------------------------------

    def chips(self) -> list[Chip]:
        """The active filters, named as the form names them."""
        found = []
        for name, value in self.values().items():
            if value in (None, "", False):
                continue
            field = self.fields[name]
            if name == "area":
                text = value.name
            elif name == "federation":
                text = str(dict(field.choices)["yes"])
            elif isinstance(field, forms.ChoiceField):
                text = str(dict(field.choices).get(value, value))
            elif isinstance(value, dt.date):
                text = value.isoformat()
            elif value is True:
                text = str(_("是"))
            else:
                text = str(value)
            found.append(Chip(str(field.label), text))
        return found

    def query(self) -> str:
        """The submitted filters as a query string (no page), for the pager and the export."""
        if not self.is_bound:
            return ""
        pairs = [(name, self.data.get(name)) for name in self.fields if self.data.get(name)]
        return urlencode(pairs)

    def job_query(self) -> dict[str, str]:
        """The same, as a dict a background job can store and rebuild the form from."""
        if not self.is_bound:
            return {}
        return {name: self.data.get(name) for name in self.fields if self.data.get(name)}


class FilteredExport:
    """Mixed into an Exporter (organizations.tabular.exporter) whose rows are a list's:
    the exporter takes the list's query string (`query=`), builds the list's filter form
    for its own user, in the request as in a background job, and so writes exactly the
    rows the list shows, within that user's scope as it is when the rows are read."""

    form_class: type[ListFilterForm] = ListFilterForm

    @property
    def form(self) -> ListFilterForm:
        return self.form_class(self.params.get("query") or {}, user=self.user)

    def job_params(self) -> dict:
        return {"query": self.form.job_query()}

    @classmethod
    def for_job(cls, user, params: dict):
        return cls(user, query=params.get("query") or {})
