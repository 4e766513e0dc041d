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
from organizations.scopes import Scope, get_in_scope_or_404, visible_pks
from reports import workflow
from reports.forms import NarrativeForm, ReportGridFilterForm, ReviewForm
from reports.models import NARRATIVE_FIELDS, ProgressReport, ReportAction, ReportStatus
from reports.selectors import figure_lines, report_history, reporting_grid
from reports.services import ReportError
from reports.services.progress import (
    county_states,
    live_figures,
    previous_figures,
    report_accept,
    report_comment,
    report_correct,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from reports.units import Level, county_units_for, may_submit_for, unit_by_key, units_for


def drive_for(request: HttpRequest) -> Drive:
    """?drive=YEAR, else the current drive; 404 when there is none."""
    year = request.GET.get("drive", "")
    drive = Drive.objects.filter(year=int(year)).first() if year.isdigit() else Drive.objects.current()
    if drive is None:
        raise Http404
    return drive


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reporting grid: the units that report to HQ, and the counties that report to their
    prefecture (?level=county, or below the first for a prefecture's or a county's staff)."""
    require(request.user, Perm.VIEW)
    if not Drive.objects.exists():
        return render(request, "reports/list.html", {"drive": None})
    drive = drive_for(request)
    form = ReportGridFilterForm(request.GET, user=request.user)
    narrowed = form.scope()
    values = form.values()
    counties_only = values.get("level") == "county"
    units = county_units_for(request.user) if counties_only else units_for(request.user)
    if narrowed is not None:
        inside = (
            {u.key for u in units if narrowed.kind == "area" and u.key.startswith(narrowed.prefix)}
            if counties_only
            else set(expected_units(narrowed, [u.key for u in units]))
        )
        units = [u for u in units if u.key in inside]
    period = values.get("period")
    if form.failed or (period is not None and period not in drive.report_periods()):
        units, period = [], None
    today = timezone.localdate()
    scope = narrowed or Scope.for_user(request.user)
    periods = [period] if period else None
    grid = reporting_grid(drive, units, today, scope=scope, periods=periods, state=values.get("state") or "")
    counties = None
    if not counties_only and not form.failed and Scope.for_user(request.user).prefix and narrowed is None:
        counties = reporting_grid(drive, county_units_for(request.user), today, scope=scope, periods=periods)
    everyone = [*units, *(counties.rows_units if counties else [])]
    context = {
        "drive": drive,
        "grid": grid,
        "counties": counties,
        "counties_only": counties_only,
        "form": form,
        "writable": {u.key for u in everyone if may_submit_for(request.user, u)},
        # The counties' grid of a prefecture opens for those whose scope holds the prefecture.
        "chain_links": {
            u.key
            for u in units
            if u.area is not None and Scope.for_user(request.user).contains_code(u.area.code)
        },
        "can_export": has_perm(request.user, Perm.EXPORT) and request.user.is_hq,
        "drives": Drive.objects.all(),
    }
    return render(request, "reports/list.html", context)


@login_required
@require_POST
def report_start(request: HttpRequest, year: int, period: str, unit: str) -> HttpResponse:
    drive = get_object_or_404(Drive, year=year)
    found = unit_by_key(unit)
    visible = {u.key for u in [*units_for(request.user), *county_units_for(request.user)]}
    if found is None or found.key not in visible:
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
    actions = workflow.actions_for(request.user, report, unit) if unit else set()
    can_write = unit is not None and may_submit_for(request.user, unit)
    editable = can_write and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and report.is_latest
    counties = county_states(report) if unit is not None and unit.level == Level.PREFECTURE else []
    # A county reading its prefecture's report sees the other counties' states, not their reports.
    linkable = visible_pks(ProgressReport.objects, request.user, [r.pk for _c, r in counties if r])
    context = {
        "report": report,
        "unit": unit,
        "period": Period.parse(report.period),
        "lines": lines,
        "form": NarrativeForm(instance=report, with_counties_note=bool(counties)) if editable else None,
        "narrative": [(report._meta.get_field(n).verbose_name, getattr(report, n)) for n in NARRATIVE_FIELDS],
        "can_review": bool(actions & {ReportAction.ACCEPT, ReportAction.RETURN}),
        "can_comment": ReportAction.COMMENT in actions,
        "can_correct": ReportAction.CORRECT in actions,
        "review_form": ReviewForm(),
        "counties": counties,
        "linkable": linkable,
        "events": report_history(report),
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
    form = NarrativeForm(request.POST, instance=report, with_counties_note=unit.level == Level.PREFECTURE)
    if not form.is_valid():
        messages.error(request, _("请检查填写内容。"))
        return redirect("reports:detail", pk=report.pk)
    try:
        report_save(
            user=request.user,
            report_id=report.pk,
            narrative={n: form.cleaned_data.get(n, "") for n in [*NARRATIVE_FIELDS, "counties_note"]},
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
    """Accept, return (with a reason) or comment; reports.workflow says who may."""
    report = _report(request, pk)
    form = ReviewForm(request.POST)
    comments = form.cleaned_data["comments"] if form.is_valid() else ""
    services = {
        "return": (report_return, _("报告已退回。")),
        "accept": (report_accept, _("报告已采纳。")),
        "comment": (report_comment, _("意见已发送。")),
    }
    chosen = services.get(request.POST.get("action", ""))
    if chosen is None:
        messages.error(request, _("请选择退回、采纳或发送意见。"))
        return redirect("reports:detail", pk=report.pk)
    service, done = chosen
    try:
        service(user=request.user, report_id=report.pk, comments=comments)
    except ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
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
