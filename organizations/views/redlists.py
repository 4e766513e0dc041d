"""The plan's red lists, on one page and as a workbook, and the directory exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from organizations.export_jobs import export_or_queue
from organizations.listing import ListFilterForm
from organizations.models import Union
from organizations.permissions import Perm, has_perm, require
from organizations.scopes import visible_pks
from organizations.selectors import membership_rate, red_lists
from organizations.tabular.exporter import Exporter

# How many rows of each list the page shows; the workbook has them all.
PAGE_LIMIT = 200


@login_required
@require_GET
def redlists_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    form = ListFilterForm(request.GET, user=request.user)
    lists = red_lists(request.user, form.day(), form.scope())
    sections = []
    for key, title, queryset in (
        ("no_union", _("四要素企业未建工会"), lists.four_element_without_union),
        ("below_80", _("四要素企业已建会、农牧民工入会率低于80%"), lists.four_element_below_80),
        (
            "small",
            _("小微企业（职工不足25人）未被任何工会覆盖（含联合基层工会、项目工会联合会）"),
            lists.small_without_union,
        ),
    ):
        rows = list(queryset[:PAGE_LIMIT])
        for enterprise in rows:
            enterprise.rate = membership_rate(enterprise.migrant_members, enterprise.migrant_workers)
        sections.append({"key": key, "title": title, "rows": rows, "total": queryset.count()})
    unions = [c.union_id for section in sections for e in section["rows"] for c in e.active_coverages]
    context = {
        "lists": lists,
        "sections": sections,
        "openable_unions": visible_pks(Union.objects, request.user, unions),
        "parks": list(lists.parks_without_union[:PAGE_LIMIT]),
        "parks_total": lists.parks_without_union.count(),
        "townships": lists.townships_missing_haves[:PAGE_LIMIT],
        "townships_total": len(lists.townships_missing_haves),
        "limit": PAGE_LIMIT,
        "form": form,
        "query": form.query(),
        "can_export": has_perm(request.user, Perm.EXPORT),
    }
    return render(request, "organizations/redlists.html", context)


# Where the confirmation page of a large export leads back to.
EXPORT_BACK = {
    "enterprises": "directory:enterprise_list",
    "unions": "directory:union_list",
    "directory": "directory:enterprise_list",
    "redlists": "directory:redlists",
}


def export_view(exporter_class: type[Exporter], file_format: str):
    """A download view for one exporter in one format (fixed URLs, nothing to fill in).

    A small export is the file itself; a large one is written by a background
    job (GET shows its size and a button, POST queues it: organizations.export_jobs).
    """

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest) -> HttpResponse:
        back = reverse(EXPORT_BACK.get(exporter_class.name, "directory:enterprise_list"))
        if request.GET:
            back += f"?{request.GET.urlencode()}"
        exporter = exporter_class(request.user, query=request.GET.dict())
        return export_or_queue(request, exporter, file_format, back_url=back)

    return view
