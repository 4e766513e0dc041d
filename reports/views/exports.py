"""Official forms as background jobs: start one, watch its progress, download it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from drives.models import Drive
from drives.periods import Period, PeriodError
from organizations.jobs import JobQueueUnavailable, enqueue_on_commit
from organizations.permissions import Perm, require
from organizations.tabular.exporter import content_disposition
from organizations.tabular.writing import XLSX_CONTENT_TYPE
from reports.models import ExportJob, ExportStatus
from reports.tasks import build_form


def _require_region_export(request: HttpRequest) -> None:
    """The forms set every unit side by side, so only HQ (staff or viewer) exports them."""
    require(request.user, Perm.EXPORT)
    if not request.user.is_hq:
        raise Http404


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    _require_region_export(request)
    drive = get_object_or_404(Drive, year=int(request.POST.get("drive", "0") or 0))
    kind = request.POST.get("kind")
    if kind not in ("progress", "acceptance"):
        raise Http404
    period = ""
    if kind == "progress":
        try:
            period = Period.parse(request.POST.get("period", "")).name
        except PeriodError as error:
            messages.error(request, str(error))
            return redirect("reports:list")
    job = ExportJob.objects.create(owner=request.user, kind=kind, drive=drive, period=period)
    try:
        enqueue_on_commit(build_form, job.pk)
    except JobQueueUnavailable as error:
        job.delete()
        messages.error(request, str(error))
        return redirect("reports:list")
    return redirect("reports:export_job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> ExportJob:
    _require_region_export(request)
    return get_object_or_404(ExportJob.objects.defer("content"), pk=pk, owner=request.user)


@login_required
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"status": job.status, "percent": job.percent, "done": job.status == ExportStatus.DONE}
        )
    status_url = reverse("reports:export_job", kwargs={"pk": job.pk}) + "?format=json"
    return render(request, "reports/export_job.html", {"job": job, "status_url": status_url})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status != ExportStatus.DONE:
        raise Http404
    content = ExportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    response = HttpResponse(bytes(content), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(job.filename, f"{job.kind}-{job.drive.year}.xlsx")
    return response


def job_message(job: ExportJob) -> str:
    return _("报表已生成。") if job.status == ExportStatus.DONE else _("报表生成中……")
