"""Celery tasks for the official forms (queue "exports").

The task takes the job's id, re-checks that its owner may still export the
region's forms, builds the workbook with progress written to the job row, and
stores the file on the job. Idempotent: a finished job is left alone, and a
redelivered one simply builds the same file again.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext_noop

from drives.periods import Period
from organizations.permissions import Perm, has_perm
from reports.excel import acceptance_table, progress_table
from reports.models import ExportJob, ExportStatus


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=5,
)
def build_form(job_id: int) -> str:
    job = ExportJob.objects.select_related("owner", "drive").filter(pk=job_id).first()
    if job is None:
        return "no such job"
    if job.status == ExportStatus.DONE:
        return job.status
    owner = job.owner
    if not (owner.is_active and owner.is_hq and has_perm(owner, Perm.EXPORT)):
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=gettext_noop("该账号已无导出权限。")
        )
        return ExportStatus.FAILED
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    today = timezone.localdate()
    if job.kind == "acceptance":
        content = acceptance_table(job.drive, today=today, progress=progress)
        filename = f"{job.drive.year}年终考核验收表.xlsx"
    else:
        period = Period.parse(job.period)
        content = progress_table(job.drive, period, today=today, progress=progress)
        filename = f"{period.name}双月进展统计表.xlsx"
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, content=content, filename=filename)
    return ExportStatus.DONE
