"""Celery task for large directory and roster exports (queue "exports").

The task takes the job's id, loads its owner and builds the exporter for the
owner (organizations.export_jobs.EXPORTS): the rows come from the owner's
scope and rights as they are now, and the masking of personal numbers is the
exporter's, exactly as in a download from the page. It writes the file with
progress on the job row, then marks it done. Idempotent, and it survives a
dead worker (organizations.job_runs): the run claims the job and a heartbeat
thread keeps the row's heartbeat and progress fresh; a finished job, or one a
live worker is running, is left alone; one whose worker died is queued again
by the sweep (requeue_stalled_jobs, below) and writes its file again from the
start (the file is stored only once complete, under a new name each run, and
only the run holding the job may mark it done). The file goes to the storage
(organizations.files), so the web host that serves it need not be this one.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from organizations import files
from organizations.export_jobs import FOLDER, exporter_class, purge_expired
from organizations.job_runs import Heartbeat, claim, not_claimed, requeue_stalled
from organizations.models import DownloadJob, DownloadStatus
from organizations.permissions import Perm, has_perm
from organizations.tabular.writing import write_csv, write_xlsx

logger = logging.getLogger(__name__)


def _fail(job: DownloadJob, message: str) -> str:
    DownloadJob.objects.filter(pk=job.pk, run_token=job.run_token).update(
        status=DownloadStatus.FAILED, error=message[:300], finished_at=timezone.now()
    )
    return DownloadStatus.FAILED


@shared_task(queue="exports", acks_late=True, reject_on_worker_lost=True)
def build_export(job_id: int) -> str:
    purge_expired()
    job = claim(DownloadJob.objects.select_related("owner"), job_id, done=0)
    if job is None:
        return not_claimed(DownloadJob, job_id)
    owner = job.owner
    cls = exporter_class(job.export)
    if cls is None:
        return _fail(job, "未知的导出类型。")
    if not (owner.is_active and has_perm(owner, Perm.EXPORT) and has_perm(owner, Perm.VIEW)):
        return _fail(job, "该账号已无导出权限。")
    try:
        with Heartbeat(job, progress_field="done") as beat:
            return _build(job, cls, beat)
    except Exception as error:
        logger.exception("export job %s failed", job.pk)
        return _fail(job, f"生成文件时出错（{type(error).__name__}），请重试；如仍失败请联系管理员。")


def _build(job: DownloadJob, cls, beat: Heartbeat) -> str:
    exporter = cls.for_job(job.owner, job.params)
    total = exporter.count() or 0
    DownloadJob.objects.filter(pk=job.pk).update(total=total)

    def progress(done: int) -> None:
        beat.progress(min(done, total))

    def write(handle) -> None:
        if job.file_format == "csv":
            sheet = exporter.sheets()[0]
            write_csv(sheet.columns, sheet.rows, handle, progress=progress)
        else:
            write_xlsx(exporter.sheets(), handle, progress=progress)

    stored_name = files.save_written(files.unique_name(FOLDER, str(job.pk), f".{job.file_format}"), write)
    finished = DownloadJob.objects.filter(
        pk=job.pk, run_token=job.run_token, status=DownloadStatus.RUNNING
    ).update(
        status=DownloadStatus.DONE,
        done=total,
        total=total,
        stored_name=stored_name,
        filename=exporter.filename(job.file_format),
        finished_at=timezone.now(),
        error="",
    )
    if not finished:  # given to another run meanwhile: that run's file stands
        files.delete(stored_name)
        return "given to another run"
    exporter.record_export(job.file_format)
    return DownloadStatus.DONE


@shared_task(queue="default", acks_late=True)
def requeue_stalled_jobs() -> int:
    """Beat, every minute: queue again the jobs whose worker died (organizations.job_runs)."""
    return requeue_stalled()
