"""Year-end acceptance pages: the units' scores, one unit's items, HQ's scoring and finalising."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from drives.models import Drive
from organizations.permissions import Perm, has_perm, require
from reports.acceptance import assess, assess_many, assessment_day
from reports.forms import AcceptanceReviewForm, SpecialReportForm
from reports.models import Acceptance
from reports.services import ReportError
from reports.services.acceptance import acceptance_assess, acceptance_attach, acceptance_finalise
from reports.units import Unit, may_submit_for, unit_by_key, units_for
from reports.views.progress import drive_for


def _unit(request: HttpRequest, key: str) -> Unit:
    unit = unit_by_key(key)
    if unit is None or unit.key not in {u.key for u in units_for(request.user)}:
        raise Http404
    return unit


@login_required
def acceptance_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    if not Drive.objects.exists():
        return render(request, "reports/acceptance_list.html", {"drive": None})
    drive = drive_for(request)
    units = units_for(request.user)
    stored = {
        a.unit_key: a for a in Acceptance.objects.filter(drive=drive, unit_key__in=[u.key for u in units])
    }
    # A finalised acceptance shows what was finalised; any other the score assessed now,
    # the same the unit's page shows (reports.acceptance).
    live = assess_many(drive, [u for u in units if not (u.key in stored and stored[u.key].is_final)])
    rows = [
        (u, stored.get(u.key), float(stored[u.key].score) if u.key not in live else live[u.key][1])
        for u in units
    ]
    context = {
        "drive": drive,
        "rows": rows,
        "day": assessment_day(drive),
        "can_export": request.user.is_hq,
    }
    return render(request, "reports/acceptance_list.html", context)


@login_required
def acceptance_detail(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    require(request.user, Perm.VIEW)
    drive = get_object_or_404(Drive, year=year)
    found = _unit(request, unit)
    acceptance = Acceptance.objects.filter(drive=drive, unit_key=found.key).first()
    if acceptance is not None and acceptance.is_final:
        items, score, live = acceptance.items, acceptance.score, False
    else:
        assessed, score = assess(drive, found)
        items, live = [vars(i) for i in assessed], True
    final = acceptance is not None and acceptance.is_final
    context = {
        "drive": drive,
        "unit": found,
        "acceptance": acceptance,
        "items": items,
        "score": score,
        "live": live,
        "day": assessment_day(drive),
        "can_review": has_perm(request.user, Perm.REVIEW_REPORTS) and not final,
        "can_attach": may_submit_for(request.user, found) and not final,
        "review_form": AcceptanceReviewForm(
            initial={"hq_comments": acceptance.hq_comments if acceptance else ""}
        ),
        "upload_form": SpecialReportForm(),
    }
    return render(request, "reports/acceptance_detail.html", context)


@login_required
@require_POST
def acceptance_action(request: HttpRequest, year: int, unit: str) -> HttpResponse:
    drive = get_object_or_404(Drive, year=year)
    found = _unit(request, unit)
    action = request.POST.get("action")
    try:
        if action == "attach":
            if not may_submit_for(request.user, found):
                raise PermissionDenied
            form = SpecialReportForm(request.POST, request.FILES)
            if not form.is_valid():
                messages.error(request, " ".join(form.errors.get("file", [_("请选择文件。")])))
                return redirect("reports:acceptance_detail", year=year, unit=found.key)
            acceptance_attach(user=request.user, drive=drive, unit=found, upload=form.cleaned_data["file"])
            messages.success(request, _("专题报告已上传。"))
        elif action in ("assess", "finalise"):
            require(request.user, Perm.REVIEW_REPORTS)
            form = AcceptanceReviewForm(request.POST)
            comments = form.cleaned_data["hq_comments"] if form.is_valid() else ""
            acceptance_assess(user=request.user, drive=drive, unit=found, comments=comments)
            if action == "finalise":
                acceptance_finalise(user=request.user, drive=drive, unit=found)
                messages.success(request, _("考核验收已定稿。"))
            else:
                messages.success(request, _("已评分并保存意见。"))
        else:
            raise Http404
    except ReportError as error:
        messages.error(request, error.message)
    return redirect("reports:acceptance_detail", year=year, unit=found.key)


@login_required
def special_report(request: HttpRequest, year: int, unit: str) -> FileResponse:
    require(request.user, Perm.VIEW)
    found = _unit(request, unit)
    acceptance = (
        Acceptance.objects.filter(drive__year=year, unit_key=found.key).exclude(special_report="").first()
    )
    if acceptance is None:
        raise Http404
    return FileResponse(
        acceptance.special_report.open("rb"), as_attachment=True, filename=acceptance.special_report_name
    )
