"""Celery tasks for the official forms (queue "exports").

The task takes the job's id, re-checks that its owner may still export the
region's forms, builds the workbook with progress written to the job row, and
stores the file on the job. Idempotent, and it survives a dead worker
(organizations.job_runs): the run claims the job, a heartbeat thread keeps the
row's heartbeat and progress fresh, and only the run holding the job stores
its file; a finished job, or one a live worker is running, is left alone, and
one whose worker died is queued again by the sweep and built again.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from drives.periods import Period
from organizations.job_runs import Heartbeat, claim, not_claimed, release
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
    job = claim(ExportJob.objects.select_related("owner", "drive"), job_id)
    if job is None:
        return not_claimed(ExportJob, job_id)
    mine = ExportJob.objects.filter(pk=job.pk, run_token=job.run_token, status=ExportStatus.RUNNING)
    owner = job.owner
    if not (owner.is_active and owner.is_hq and has_perm(owner, Perm.EXPORT)):
        mine.update(status=ExportStatus.FAILED, error=gettext_noop("该账号已无导出权限。"))
        return ExportStatus.FAILED

    try:
        with Heartbeat(job, progress_field="done") as beat:
            content, filename = _build(job, beat)
    except OperationalError:
        release(job)  # the retry claims it at once, not after the heartbeat goes stale
        raise
    if not mine.update(status=ExportStatus.DONE, content=content, filename=filename, done=F("total")):
        return "given to another run"
    return ExportStatus.DONE


def _build(job: ExportJob, beat: Heartbeat) -> tuple[bytes, str]:
    totals = set()

    def progress(done: int, total: int) -> None:
        if total not in totals:
            totals.add(total)
            ExportJob.objects.filter(pk=job.pk).update(total=total)
        beat.progress(done)

    today = timezone.localdate()
    if job.kind == "acceptance":
        return acceptance_table(
            job.drive, today=today, progress=progress
        ), f"{job.drive.year}年终考核验收表.xlsx"
    period = Period.parse(job.period)
    return progress_table(
        job.drive, period, today=today, progress=progress
    ), f"{period.name}双月进展统计表.xlsx"


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=5, max_retries=5)
def send_reminders() -> int:
    """Daily (beat): deadline reminders for every unit of the reporting chain; idempotent."""
    from reports.reminders import send_reminders as send

    return send()
