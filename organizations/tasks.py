"""Celery task for large directory and roster exports (queue "exports").

The task takes the job's id, loads its owner and builds the exporter for the
owner (organizations.export_jobs.EXPORTS): the rows come from the owner's
scope and rights as they are now, and the masking of personal numbers is the
exporter's, exactly as in a download from the page. It writes the file with
progress on the job row, then marks it done. Idempotent: a finished job is
left alone; a redelivered one writes its file again from the start (the file
appears under its final name only when complete).
"""

from __future__ import annotations

import logging
import secrets

from celery import shared_task
from django.utils import timezone

from organizations.export_jobs import exporter_class, job_dir, purge_expired
from organizations.models import DownloadJob, DownloadStatus
from organizations.permissions import Perm, has_perm
from organizations.tabular.writing import write_csv, write_xlsx

logger = logging.getLogger(__name__)


def _fail(job: DownloadJob, message: str) -> str:
    DownloadJob.objects.filter(pk=job.pk).update(
        status=DownloadStatus.FAILED, error=message[:300], finished_at=timezone.now()
    )
    return DownloadStatus.FAILED


@shared_task(queue="exports", acks_late=True, reject_on_worker_lost=True)
def build_export(job_id: int) -> str:
    purge_expired()
    job = DownloadJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None:
        return "no such job"
    if job.finished:
        return job.status
    owner = job.owner
    cls = exporter_class(job.export)
    if cls is None:
        return _fail(job, "未知的导出类型。")
    if not (owner.is_active and has_perm(owner, Perm.EXPORT) and has_perm(owner, Perm.VIEW)):
        return _fail(job, "该账号已无导出权限。")
    DownloadJob.objects.filter(pk=job.pk).update(status=DownloadStatus.RUNNING, done=0)
    try:
        exporter = cls.for_job(owner, job.params)
        total = exporter.count() or 0
        DownloadJob.objects.filter(pk=job.pk).update(total=total)

        def progress(done: int) -> None:
            DownloadJob.objects.filter(pk=job.pk).update(done=min(done, total))

        stored_name = f"{job.pk}-{secrets.token_hex(8)}.{job.file_format}"
        path = job_dir() / stored_name
        partial = path.with_name(path.name + ".part")
        with partial.open("wb") as handle:
            if job.file_format == "csv":
                sheet = exporter.sheets()[0]
                write_csv(sheet.columns, sheet.rows, handle, progress=progress)
            else:
                write_xlsx(exporter.sheets(), handle, progress=progress)
        partial.replace(path)
        exporter.record_export(job.file_format)
    except Exception as error:
        logger.exception("export job %s failed", job.pk)
        return _fail(job, f"生成文件时出错（{type(error).__name__}），请重试；如仍失败请联系管理员。")
    DownloadJob.objects.filter(pk=job.pk).update(
        status=DownloadStatus.DONE,
        done=total,
        total=total,
        stored_name=stored_name,
        filename=exporter.filename(job.file_format),
        finished_at=timezone.now(),
        error="",
    )
    return DownloadStatus.DONE
