"""Bimonthly progress report pages: the grid with reminders, one report, its writing and review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from drives.figures import expected_units
from drives.models import Drive
from drives.periods import Period, PeriodError
from organizations.permissions import Perm, has_perm, require
from organizations.scopes import Scope, get_in_scope_or_404
from reports.forms import NarrativeForm, ReportGridFilterForm, ReviewForm
from reports.models import NARRATIVE_FIELDS, ProgressReport, ReportStatus
from reports.selectors import figure_lines, reporting_grid
from reports.services import ReportError
from reports.services.progress import (
    live_figures,
    previous_figures,
    report_accept,
    report_correct,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from reports.units import may_submit_for, unit_by_key, units_for


def drive_for(request: HttpRequest) -> Drive:
    """?drive=YEAR, else the current drive; 404 when there is none."""
    year = request.GET.get("drive", "")
    drive = Drive.objects.filter(year=int(year)).first() if year.isdigit() else Drive.objects.current()
    if drive is None:
        raise Http404
    return drive


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    if not Drive.objects.exists():
        return render(request, "reports/list.html", {"drive": None})
    drive = drive_for(request)
    form = ReportGridFilterForm(request.GET, user=request.user)
    narrowed = form.scope()
    units = units_for(request.user)
    if narrowed is not None:
        inside = set(expected_units(narrowed, [u.key for u in units]))
        units = [u for u in units if u.key in inside]
    values = form.values()
    period = values.get("period")
    if form.failed or (period is not None and period not in drive.report_periods()):
        units, period = [], None
    grid = reporting_grid(
        drive,
        units,
        timezone.localdate(),
        scope=narrowed or Scope.for_user(request.user),
        periods=[period] if period else None,
        state=values.get("state") or "",
    )
    context = {
        "drive": drive,
        "grid": grid,
        "form": form,
        "writable": {u.key for u in units if may_submit_for(request.user, u)},
        "can_export": has_perm(request.user, Perm.EXPORT) and request.user.is_hq,
        "drives": Drive.objects.all(),
    }
    return render(request, "reports/list.html", context)


@login_required
@require_POST
def report_start(request: HttpRequest, year: int, period: str, unit: str) -> HttpResponse:
    drive = get_object_or_404(Drive, year=year)
    found = unit_by_key(unit)
    if found is None or found.key not in {u.key for u in units_for(request.user)}:
        raise Http404
    if not may_submit_for(request.user, found):
        raise PermissionDenied
    try:
        report = report_open(user=request.user, drive=drive, period=Period.parse(period), unit=found)
    except (ReportError, PeriodError) as error:
        messages.error(request, str(error))
        return redirect("reports:list")
    return redirect("reports:detail", pk=report.pk)


def _report(request: HttpRequest, pk: int) -> ProgressReport:
    return get_in_scope_or_404(ProgressReport.objects.select_related("drive", "area"), request.user, pk=pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW)
    report = _report(request, pk)
    live = live_figures(report)
    if report.figures is not None and report.status != ReportStatus.RETURNED:
        # Frozen: show what was submitted, and today's value beside it where it has moved.
        lines = figure_lines(report.figures, report.previous_figures, live)
    else:
        lines = figure_lines(live, previous_figures(report), None)
    unit = unit_by_key(report.unit_key)
    can_write = unit is not None and may_submit_for(request.user, unit)
    editable = can_write and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and report.is_latest
    context = {
        "report": report,
        "unit": unit,
        "period": Period.parse(report.period),
        "lines": lines,
        "form": NarrativeForm(instance=report) if editable else None,
        "narrative": [(report._meta.get_field(n).verbose_name, getattr(report, n)) for n in NARRATIVE_FIELDS],
        "can_review": has_perm(request.user, Perm.REVIEW_REPORTS)
        and report.status in (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED),
        "can_correct": can_write and report.status == ReportStatus.ACCEPTED and report.is_latest,
        "review_form": ReviewForm(),
        "versions": ProgressReport.objects.filter(
            drive=report.drive, period=report.period, unit_key=report.unit_key
        ).order_by("version"),
    }
    return render(request, "reports/detail.html", context)


@login_required
@require_POST
def report_write(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    unit = unit_by_key(report.unit_key)
    if unit is None or not may_submit_for(request.user, unit):
        raise PermissionDenied
    form = NarrativeForm(request.POST, instance=report)
    if not form.is_valid():
        messages.error(request, _("请检查填写内容。"))
        return redirect("reports:detail", pk=report.pk)
    try:
        report_save(
            user=request.user,
            report_id=report.pk,
            narrative={n: form.cleaned_data[n] for n in NARRATIVE_FIELDS},
        )
        if "submit" in request.POST:
            report_submit(user=request.user, report_id=report.pk)
            messages.success(request, _("报告已报送，数据已锁定。"))
        else:
            messages.success(request, _("草稿已保存。"))
    except ReportError as error:
        messages.error(request, error.message)
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    require(request.user, Perm.REVIEW_REPORTS)
    form = ReviewForm(request.POST)
    comments = form.cleaned_data["comments"] if form.is_valid() else ""
    try:
        if request.POST.get("action") == "return":
            report_return(user=request.user, report_id=report.pk, comments=comments)
            messages.success(request, _("报告已退回。"))
        elif request.POST.get("action") == "accept":
            report_accept(user=request.user, report_id=report.pk, comments=comments)
            messages.success(request, _("报告已采纳。"))
        else:
            messages.error(request, _("请选择退回或采纳。"))
    except ReportError as error:
        messages.error(request, error.message)
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_POST
def report_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    unit = unit_by_key(report.unit_key)
    if unit is None or not may_submit_for(request.user, unit):
        raise PermissionDenied
    try:
        new = report_correct(user=request.user, report_id=report.pk)
    except ReportError as error:
        messages.error(request, error.message)
        return redirect("reports:detail", pk=report.pk)
    messages.success(request, _("已建立更正版本（第%(v)s版）。") % {"v": new.version})
    return redirect("reports:detail", pk=new.pk)
