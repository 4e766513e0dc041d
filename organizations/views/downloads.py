"""A user's background exports: the list, a job's progress page and its status, the file.

Every job is its owner's alone: anyone else asking for it gets 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from organizations import files
from organizations.export_jobs import stored_file
from organizations.job_runs import interruption_notice
from organizations.models import DownloadJob, DownloadStatus
from organizations.permissions import Perm, require
from organizations.tabular.exporter import CSV_CONTENT_TYPE
from organizations.tabular.writing import XLSX_CONTENT_TYPE

LIST_LIMIT = 30


def _own_job(request: HttpRequest, pk: int) -> DownloadJob:
    return get_object_or_404(DownloadJob, pk=pk, owner=request.user)


def _state(job: DownloadJob) -> dict:
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.finished,
        "error": _(job.error) if job.error else "",
        "notice": interruption_notice(job),
    }


@login_required
@require_GET
def download_jobs(request: HttpRequest) -> HttpResponse:
    jobs = DownloadJob.objects.filter(owner=request.user)[:LIST_LIMIT]
    return render(request, "organizations/download_jobs.html", {"jobs": jobs})


@login_required
@require_GET
def download_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "organizations/download_job.html", {"job": job, "state": _state(job)})


@login_required
@require_GET
def download_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(_state(_own_job(request, pk)))


@login_required
@require_GET
def download_job_file(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    require(request.user, Perm.EXPORT)  # a right withdrawn since the job ran
    name = stored_file(job)
    if job.status != DownloadStatus.DONE or not name:
        raise Http404
    return files.stream(
        name,
        filename=job.filename,
        fallback=f"{job.export}-{job.created_at:%Y%m%d}.{job.file_format}",
        content_type=CSV_CONTENT_TYPE if job.file_format == "csv" else XLSX_CONTENT_TYPE,
    )
