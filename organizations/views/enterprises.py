"""Enterprise pages: the list with its filters, a detail page, create and edit."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.forms import EnterpriseForm
from organizations.list_forms import EnterpriseFilterForm
from organizations.locking import EditConflict
from organizations.models import Enterprise, Role, Union, UnionKind
from organizations.permissions import Perm, has_perm, require
from organizations.scopes import get_in_scope_or_404, visible_pks
from organizations.selectors import enterprise_list, membership_rate, with_facts
from organizations.services.directory import (
    ENTERPRISE_FIELDS,
    DirectoryError,
    enterprise_create,
    enterprise_update,
)
from organizations.views.common import page_date, paginate, refuse


@login_required
def enterprise_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    form = EnterpriseFilterForm(request.GET, user=request.user)
    page = paginate(request, enterprise_list(request.user, form.filters()))
    for enterprise in page:
        enterprise.rate = membership_rate(enterprise.migrant_members, enterprise.migrant_workers)
    unions = [c.union_id for enterprise in page for c in enterprise.active_coverages]
    context = {
        "form": form,
        "page": page,
        "openable_unions": visible_pks(Union.objects, request.user, unions),
        "day": form.day(),
        "query": form.query(),
        "can_edit": has_perm(request.user, Perm.EDIT_DIRECTORY),
        "can_import": has_perm(request.user, Perm.IMPORT) and has_perm(request.user, Perm.EDIT_DIRECTORY),
        "can_export": has_perm(request.user, Perm.EXPORT),
    }
    return render(request, "organizations/enterprise_list.html", context)


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW)
    day = page_date(request)
    enterprise = get_in_scope_or_404(with_facts(Enterprise.objects.all(), day), request.user, pk=pk)
    history = list(enterprise.coverages.select_related("union").order_by("-started_on"))
    context = {
        "enterprise": enterprise,
        # A federation affiliate may be covered by a county's union: named, not linked.
        "openable_unions": visible_pks(Union.objects, request.user, [c.union_id for c in history]),
        "day": day,
        "rate": membership_rate(enterprise.migrant_members, enterprise.migrant_workers),
        "history": history,
        "can_edit": has_perm(request.user, Perm.EDIT_DIRECTORY),
        "found_union_query": urlencode(
            {
                "name": f"{enterprise.name}工会委员会",
                "kind": UnionKind.GRASSROOTS if enterprise.employees >= 25 else UnionKind.JOINT,
                "area": enterprise.area_id,
                "covers": enterprise.credit_code,
            }
        ),
    }
    return render(request, "organizations/enterprise_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_DIRECTORY)
    user = request.user
    initial = {"registered_on": timezone.localdate(), "operating": True}
    if user.role == Role.COUNTY and user.area_id:
        initial["area"] = user.area_id
    form = EnterpriseForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_create(user=user, **_fields(form))
        except DirectoryError as error:
            refuse(form, error)
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": enterprise.name})
            return redirect("directory:enterprise_detail", pk=enterprise.pk)
    return render(request, "organizations/enterprise_form.html", {"form": form, "enterprise": None})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_in_scope_or_404(Enterprise.objects.select_related("area", "park"), request.user, pk=pk)
    require(request.user, Perm.EDIT_DIRECTORY)
    initial = {name: getattr(enterprise, name) for name in ENTERPRISE_FIELDS}
    initial |= {"area": enterprise.area_id, "park": enterprise.park_id, "version": enterprise.version}
    form = EnterpriseForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_update(
                user=request.user,
                enterprise=enterprise,
                seen_version=form.cleaned_data["version"] or 0,
                **_fields(form),
            )
        except (DirectoryError, EditConflict) as error:
            refuse(form, error)
        else:
            messages.success(request, _("已保存：%(name)s") % {"name": enterprise.name})
            return redirect("directory:enterprise_detail", pk=enterprise.pk)
    return render(request, "organizations/enterprise_form.html", {"form": form, "enterprise": enterprise})


def _fields(form: EnterpriseForm) -> dict:
    return {name: form.cleaned_data[name] for name in ENTERPRISE_FIELDS}
