"""Typical case pages: the scoped list, submitting, HQ's review, and the public page of published cases."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from drives.models import Drive
from organizations.models import Sector
from organizations.permissions import Perm, has_perm, require
from organizations.scopes import get_in_scope_or_404
from reports.forms import CaseForm, CaseReviewForm
from reports.models import CasePhoto, TypicalCase
from reports.services import ReportError
from reports.services.cases import case_review, case_submit
from reports.units import may_submit_for, units_for


def _own_unit(user):
    return next((u for u in units_for(user) if may_submit_for(user, u)), None)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    cases = TypicalCase.objects.visible_to(request.user).select_related("area").order_by("-submitted_at")
    context = {"cases": cases, "can_submit": _own_unit(request.user) is not None}
    return render(request, "reports/case_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.SUBMIT_REPORTS)
    unit = _own_unit(request.user)
    drive = Drive.objects.current()
    if unit is None or drive is None:
        raise Http404
    form = CaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_submit(
                user=request.user,
                drive=drive,
                unit=unit,
                title=data["title"],
                sector=data["sector"],
                body=data["body"],
                photos=data["photos"],
            )
        except ReportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("典型案例已报送。"))
            return redirect("reports:case_detail", pk=case.pk)
    return render(request, "reports/case_form.html", {"form": form, "unit": unit})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW)
    case = get_in_scope_or_404(TypicalCase.objects.prefetch_related("photos"), request.user, pk=pk)
    context = {
        "case": case,
        "can_review": has_perm(request.user, Perm.MANAGE_DRIVE),
        "form": CaseReviewForm(),
    }
    return render(request, "reports/case_detail.html", context)


@login_required
@require_POST
def case_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_in_scope_or_404(TypicalCase.objects.all(), request.user, pk=pk)
    require(request.user, Perm.MANAGE_DRIVE)
    form = CaseReviewForm(request.POST)
    if form.is_valid():
        try:
            case_review(
                user=request.user,
                case_id=case.pk,
                action=form.cleaned_data["action"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("已处理。"))
        except ReportError as error:
            messages.error(request, error.message)
    return redirect("reports:case_detail", pk=case.pk)


def public_cases(request: HttpRequest) -> HttpResponse:
    """Published cases by sector, for everyone (the union news site links here)."""
    by_sector = defaultdict(list)
    for case in (
        TypicalCase.objects.published().prefetch_related("photos").order_by("-featured", "-published_at")
    ):
        by_sector[case.sector].append(case)
    sections = [(label, by_sector[value]) for value, label in Sector.choices if by_sector[value]]
    return render(request, "reports/public_cases.html", {"sections": sections})


def case_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo: public once its case is published, otherwise only within the viewer's scope."""
    photo = get_object_or_404(CasePhoto.objects.select_related("case"), pk=pk)
    if photo.case.status != "published":
        if not request.user.is_authenticated:
            raise Http404
        get_in_scope_or_404(TypicalCase.objects.all(), request.user, pk=photo.case_id)
    return FileResponse(photo.image.open("rb"))
