"""Small pieces the directory pages share: paging, the date a page is taken at,
and turning a refused write into form errors."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from organizations.locking import EditConflict
from organizations.services.directory import DirectoryError

PAGE_SIZE = 50


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for the pager's links."""
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def page_date(request: HttpRequest) -> dt.date:
    """?date=YYYY-MM-DD takes a page at a past date; today (Beijing time) by default."""
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


def refuse(form: forms.Form, error: DirectoryError | EditConflict) -> None:
    """Show a refused save on the form, next to the field at fault when there is one."""
    if isinstance(error, EditConflict):
        # Let the clerk resubmit knowingly: the form now carries the stored version.
        data = form.data.copy()
        data["version"] = str(type(error.obj)._default_manager.get(pk=error.obj.pk).version)
        form.data = data
        form.add_error(None, str(error))
        return
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)
