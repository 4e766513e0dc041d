"""Union pages: the list, a detail page with its coverage, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.forms import UnionForm
from organizations.locking import EditConflict
from organizations.models import Coverage, Role, Union, UnionKind
from organizations.permissions import Perm, has_perm, require
from organizations.scopes import get_in_scope_or_404
from organizations.selectors import membership_rate, migrant_members, union_list
from organizations.services.directory import DirectoryError, union_create, union_update
from organizations.views.common import page_date, paginate, query_without_page, refuse

UNION_FORM_FIELDS = ["name", "code", "kind", "area", "park", "parent", "founded_on", "dissolved_on"]


@login_required
def union_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    day = page_date(request)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    kind = kind if kind in UnionKind.values else ""
    page = paginate(request, union_list(request.user, day, q=q, kind=kind))
    context = {
        "page": page,
        "q": q,
        "kind": kind,
        "kinds": UnionKind.choices,
        "day": day,
        "query": query_without_page(request),
        "can_edit": has_perm(request.user, Perm.EDIT_DIRECTORY),
        "can_import": has_perm(request.user, Perm.IMPORT) and has_perm(request.user, Perm.EDIT_DIRECTORY),
        "can_export": has_perm(request.user, Perm.EXPORT),
    }
    return render(request, "organizations/union_list.html", context)


@login_required
def union_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW)
    day = page_date(request)
    union = get_in_scope_or_404(Union.objects.select_related("area", "park", "parent"), request.user, pk=pk)
    coverages = list(
        Coverage.objects.filter(union=union)
        .select_related("enterprise", "enterprise__area")
        .annotate(migrant_members=migrant_members(day, employer="enterprise_id"))
        .order_by("ended_on", "enterprise__name")
    )
    for coverage in coverages:
        coverage.rate = membership_rate(coverage.migrant_members, coverage.enterprise.migrant_workers)
        coverage.active = coverage.started_on <= day and (
            coverage.ended_on is None or coverage.ended_on > day
        )
    context = {
        "union": union,
        "day": day,
        "active": union.is_active_on(day),
        "coverages": coverages,
        "children": Union.objects.visible_to(request.user).filter(parent=union).order_by("name"),
        "can_edit": has_perm(request.user, Perm.EDIT_DIRECTORY),
    }
    return render(request, "organizations/union_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def union_create_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_DIRECTORY)
    user = request.user
    initial = {"founded_on": timezone.localdate(), "kind": UnionKind.GRASSROOTS}
    if user.role == Role.COUNTY and user.area_id:
        initial["area"] = user.area_id
    # "Found a union for this firm" on an enterprise page fills these in; the form checks them.
    initial |= {key: request.GET[key] for key in ("name", "kind", "area", "covers") if request.GET.get(key)}
    form = UnionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            union = union_create(user=user, covers=data["covers"], **{n: data[n] for n in UNION_FORM_FIELDS})
        except DirectoryError as error:
            refuse(form, error)
        else:
            messages.success(request, _("已登记：%(name)s") % {"name": union.name})
            return redirect("directory:union_detail", pk=union.pk)
    return render(request, "organizations/union_form.html", {"form": form, "union": None})


@login_required
@require_http_methods(["GET", "POST"])
def union_edit(request: HttpRequest, pk: int) -> HttpResponse:
    union = get_in_scope_or_404(Union.objects.select_related("area", "park", "parent"), request.user, pk=pk)
    require(request.user, Perm.EDIT_DIRECTORY)
    covered = union.coverages.filter(ended_on__isnull=True).select_related("enterprise").order_by("pk")
    initial = {name: getattr(union, name) for name in UNION_FORM_FIELDS}
    initial |= {
        "area": union.area_id,
        "park": union.park_id,
        "parent": union.parent.code if union.parent else "",
        "covers": "\n".join(c.enterprise.credit_code for c in covered),
        "covers_from": timezone.localdate(),
        "version": union.version,
    }
    form = UnionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            union_update(
                user=request.user,
                union=union,
                seen_version=data["version"] or 0,
                covers=data["covers"],
                covers_from=data["covers_from"],
                **{n: data[n] for n in UNION_FORM_FIELDS if n != "code" or data["code"]},
            )
        except (DirectoryError, EditConflict) as error:
            refuse(form, error)
        else:
            messages.success(request, _("已保存：%(name)s") % {"name": union.name})
            return redirect("directory:union_detail", pk=union.pk)
    return render(request, "organizations/union_form.html", {"form": form, "union": union})
