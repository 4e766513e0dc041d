"""Parks and the townships' eight haves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.forms import EightHavesForm, ParkForm
from organizations.list_forms import ParkFilterForm
from organizations.locking import EditConflict
from organizations.models import Area, AreaLevel, EightHavesCheck, Park, Role
from organizations.models.directory import EightHaves
from organizations.permissions import Perm, has_perm, require
from organizations.scopes import Scope, get_editable_or_404, get_in_scope_or_404
from organizations.selectors import park_list as park_list_of
from organizations.services.directory import DirectoryError, eight_haves_confirm, park_create, park_update
from organizations.views.common import paginate, refuse


def may_edit_area_data(user) -> bool:
    """Parks and townships are area data: kept by area staff with the directory right."""
    return has_perm(user, Perm.EDIT_DIRECTORY) and Scope.for_user(user).edits_area_data


@login_required
def park_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    form = ParkFilterForm(request.GET, user=request.user)
    context = {
        "form": form,
        "page": paginate(request, park_list_of(request.user, form.filters())),
        "day": form.day(),
        "query": form.query(),
        "can_edit": has_perm(request.user, Perm.EDIT_DIRECTORY) and may_edit_area_data(request.user),
    }
    return render(request, "organizations/park_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def park_create_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_DIRECTORY)
    if not may_edit_area_data(request.user):
        raise PermissionDenied  # the federation reads parks; the area unions keep them
    initial = {"area": request.user.area_id} if request.user.role == Role.COUNTY else {}
    form = ParkForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            park = park_create(
                user=request.user, name=data["name"], area=data["area"], established_on=data["established_on"]
            )
        except DirectoryError as error:
            refuse(form, error)
        else:
            messages.success(request, _("已登记园区：%(name)s") % {"name": park.name})
            return redirect("directory:park_list")
    return render(request, "organizations/park_form.html", {"form": form, "park": None})


@login_required
@require_http_methods(["GET", "POST"])
def park_edit(request: HttpRequest, pk: int) -> HttpResponse:
    park = get_editable_or_404(Park.objects.select_related("area"), request.user, pk=pk)
    require(request.user, Perm.EDIT_DIRECTORY)
    initial = {
        "name": park.name,
        "area": park.area_id,
        "established_on": park.established_on,
        "version": park.version,
    }
    form = ParkForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            park_update(
                user=request.user,
                park=park,
                seen_version=data["version"] or 0,
                name=data["name"],
                area=data["area"],
                established_on=data["established_on"],
            )
        except (DirectoryError, EditConflict) as error:
            refuse(form, error)
        else:
            messages.success(request, _("已保存园区：%(name)s") % {"name": park.name})
            return redirect("directory:park_list")
    return render(request, "organizations/park_form.html", {"form": form, "park": park})


@login_required
@require_http_methods(["GET", "POST"])
def township_eight_haves(request: HttpRequest, code: str) -> HttpResponse:
    """A township's eight haves: the history of checks and a form to confirm them again."""
    township = get_in_scope_or_404(Area.objects.filter(level=AreaLevel.TOWNSHIP), request.user, code=code)
    require(request.user, Perm.VIEW)
    checks = list(EightHavesCheck.objects.filter(township=township).select_related("checked_by"))
    can_edit = may_edit_area_data(request.user)
    latest = checks[0] if checks else None
    initial = {item.value: getattr(latest, item.value) for item in EightHaves} if latest else {}
    form = EightHavesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(request.user, Perm.EDIT_DIRECTORY)
        if not can_edit:
            raise PermissionDenied  # federation staff: townships are the area unions' business
        if form.is_valid():
            data = form.cleaned_data
            try:
                eight_haves_confirm(
                    user=request.user,
                    township=township,
                    checked_on=data["checked_on"],
                    haves={item.value: data[item.value] for item in EightHaves},
                )
            except DirectoryError as error:
                refuse(form, error)
            else:
                messages.success(request, _("已确认“八有”情况。"))
                return redirect("directory:township_eight_haves", code=township.code)
    rows = [(check, [(item.label, getattr(check, item.value)) for item in EightHaves]) for check in checks]
    context = {
        "township": township,
        "rows": rows,
        "labels": [item.label for item in EightHaves],
        "form": form,
        "can_edit": can_edit,
    }
    return render(request, "organizations/township_eight_haves.html", context)
