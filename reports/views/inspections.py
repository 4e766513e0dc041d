"""Inspection pages: visits and their problems; overdue follow-ups stand out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from drives.models import Drive
from organizations.permissions import Perm, has_perm, require
from organizations.scopes import get_in_scope_or_404
from reports.forms import FollowUpForm, InspectionForm, ProblemForm
from reports.models import Inspection, InspectionProblem
from reports.services import ReportError
from reports.services.inspections import inspection_record, problem_add, problem_follow_up
from reports.units import all_units, may_submit_for, unit_by_key


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    inspections = Inspection.objects.visible_to(request.user).prefetch_related("problems")
    context = {
        "inspections": inspections,
        "today": timezone.localdate(),
        "can_manage": has_perm(request.user, Perm.MANAGE_DRIVE),
    }
    return render(request, "reports/inspection_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_DRIVE)
    drive = Drive.objects.current()
    if drive is None:
        raise Http404
    form = InspectionForm(request.POST or None, units=all_units())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        inspection = inspection_record(
            user=request.user,
            drive=drive,
            unit=unit_by_key(data["unit"]),
            visited_on=data["visited_on"],
            team=data["team"],
            units_visited=data["units_visited"],
            findings=data["findings"],
        )
        messages.success(request, _("督查记录已保存。"))
        return redirect("reports:inspection_detail", pk=inspection.pk)
    return render(request, "reports/inspection_form.html", {"form": form})


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW)
    inspection = get_in_scope_or_404(Inspection.objects.prefetch_related("problems"), request.user, pk=pk)
    unit = unit_by_key(inspection.unit_key)
    may_follow = has_perm(request.user, Perm.MANAGE_DRIVE) or (
        unit is not None and may_submit_for(request.user, unit)
    )
    problems = [
        (p, FollowUpForm(instance=p, prefix=f"p{p.pk}") if may_follow else None)
        for p in inspection.problems.all()
    ]
    context = {
        "inspection": inspection,
        "unit": unit,
        "problems": problems,
        "today": timezone.localdate(),
        "problem_form": ProblemForm() if has_perm(request.user, Perm.MANAGE_DRIVE) else None,
    }
    return render(request, "reports/inspection_detail.html", context)


@login_required
@require_POST
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_in_scope_or_404(Inspection.objects.all(), request.user, pk=pk)
    require(request.user, Perm.MANAGE_DRIVE)
    form = ProblemForm(request.POST)
    if form.is_valid():
        try:
            problem_add(user=request.user, inspection=inspection, **form.cleaned_data)
            messages.success(request, _("问题已登记。"))
        except ReportError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("请填写问题、责任单位和整改期限。"))
    return redirect("reports:inspection_detail", pk=inspection.pk)


@login_required
@require_POST
def problem_update(request: HttpRequest, pk: int, problem: int) -> HttpResponse:
    inspection = get_in_scope_or_404(Inspection.objects.all(), request.user, pk=pk)
    found = InspectionProblem.objects.filter(inspection=inspection, pk=problem).first()
    if found is None:
        raise Http404
    unit = unit_by_key(inspection.unit_key)
    if not (has_perm(request.user, Perm.MANAGE_DRIVE) or (unit and may_submit_for(request.user, unit))):
        raise PermissionDenied
    form = FollowUpForm(request.POST, instance=found, prefix=f"p{found.pk}")
    if form.is_valid():
        try:
            problem_follow_up(user=request.user, problem_id=found.pk, unit=unit, **form.cleaned_data)
            messages.success(request, _("整改情况已更新。"))
        except ReportError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("reports:inspection_detail", pk=inspection.pk)
