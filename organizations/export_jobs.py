"""Large exports as background jobs (DownloadJob), small ones at once.

An export view calls `export_or_queue`. It counts the export's rows first
(Exporter.count(), one query): up to EXPORT_JOB_THRESHOLD rows (2,000 unless
settings say otherwise) the file is written in the request as before. A larger
export answers a page that says how many rows it holds, with a button; the
POST creates a DownloadJob owned by the user and queues
`organizations.tasks.build_export` once the transaction commits. The job row
holds only the export's key in EXPORTS and the user's filters: the worker
builds the exporter for the job's owner, so the rows come from the owner's
scope as it is when the job runs, never from anything the request computed.

The file is stored in the storage under FOLDER (organizations.files: a folder,
or a bucket shared by every host; nothing serves it but the owner-only download
view, which streams it) and removed with its row by purge_expired(), which each
export task runs before its own work (files are kept EXPORT_JOB_KEEP_HOURS, 24
by default, after their job finished).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string

from organizations import files
from organizations.jobs import JobQueueUnavailable, enqueue_on_commit
from organizations.models import DownloadJob, DownloadStatus
from organizations.permissions import Perm, require
from organizations.tabular.exporter import FORMATS, Exporter, export_response

logger = logging.getLogger(__name__)

# The exports a job may run, by the key stored on the job (never a path from a request).
EXPORTS = {
    "enterprises": "organizations.exporters.EnterpriseExporter",
    "unions": "organizations.exporters.UnionExporter",
    "directory": "organizations.exporters.DirectoryExporter",
    "redlists": "organizations.exporters.RedListExporter",
    "members": "members.exporters.RosterExporter",
}
DEFAULT_THRESHOLD = 2000
DEFAULT_KEEP_HOURS = 24
# A job still queued or running after this long was lost (its worker and broker both gone).
STALE_AFTER = dt.timedelta(days=2)


def threshold() -> int:
    return int(getattr(settings, "EXPORT_JOB_THRESHOLD", DEFAULT_THRESHOLD))


def keep_for() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "EXPORT_JOB_KEEP_HOURS", DEFAULT_KEEP_HOURS)))


FOLDER = "export-jobs"


def stored_file(job: DownloadJob) -> str:
    """The job's file in the storage ("" before it has one)."""
    return job.stored_name if "/" in job.stored_name else ""  # a bare name: a file from before the storage


def exporter_class(key: str) -> type[Exporter] | None:
    path = EXPORTS.get(key)
    return import_string(path) if path else None


def export_or_queue(
    request: HttpRequest, exporter: Exporter, file_format: str, *, back_url: str
) -> HttpResponse:
    """The file itself for a small export; for a large one, the page that queues a job (GET)
    or the job queued and its progress page (POST)."""
    require(exporter.user, Perm.EXPORT)
    if file_format not in FORMATS or exporter.name not in EXPORTS:
        return export_response(exporter, file_format)  # 404 for an unknown format, as before
    rows = exporter.count()
    if rows is None or rows <= threshold():
        if request.method == "POST":
            # Small enough to answer at once: nothing to queue.
            return redirect(request.get_full_path())
        return export_response(exporter, file_format)
    context = {
        "exporter": exporter,
        "rows": rows,
        "file_format": file_format,
        "back_url": back_url,
        "threshold": threshold(),
    }
    if request.method != "POST":
        return render(request, "organizations/export_confirm.html", context)
    job = DownloadJob.objects.create(
        owner=request.user,
        export=exporter.name,
        file_format=file_format,
        params=exporter.job_params(),
        title=exporter.title,
        total=rows,
    )
    from organizations.tasks import build_export

    try:
        enqueue_on_commit(build_export, job.pk)
    except JobQueueUnavailable as error:
        job.delete()
        messages.error(request, str(error))
        return render(request, "organizations/export_confirm.html", context, status=503)
    return redirect("directory:download_job", pk=job.pk)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete finished jobs older than keep_for() and lost ones, with their files.
    Returns how many jobs went."""
    now = now or timezone.now()
    finished = DownloadJob.objects.filter(
        status__in=(DownloadStatus.DONE, DownloadStatus.FAILED), finished_at__lt=now - keep_for()
    )
    lost = DownloadJob.objects.filter(
        status__in=(DownloadStatus.QUEUED, DownloadStatus.RUNNING), created_at__lt=now - STALE_AFTER
    )
    gone = 0
    for queryset in (finished, lost):
        for job in queryset.only("pk", "stored_name"):
            files.delete(stored_file(job))
            job.delete()
            gone += 1
    # Files no job row names any more: a run cut short by a dead worker between storing
    # its file and marking the job (a redelivered job writes under a new name), or a row
    # deleted by hand.
    files.sweep(FOLDER, modified_before=now - keep_for() - STALE_AFTER)
    if gone:
        logger.info("export jobs: removed %s old job(s) and their files", gone)
    return gone
