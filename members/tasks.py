"""Celery tasks for members: the large import.

The task takes the job's id, loads the owner and runs the import under their
scope as it is *now* (a clerk moved to another county imports nothing into
the old one). It is idempotent and survives a dead worker
(organizations.job_runs): the run claims the job (running, with a token),
a heartbeat thread writes the rows checked so far to the job row while the
import's own transaction is open, and the job is marked finished in the same
transaction as the rows are saved, after checking under the row's lock that
this run still holds it. A run cut short leaves nothing (its transaction dies
with it); the sweep or the broker's redelivery runs the job again from a
rolled-back, empty slate, and a delivery that finds it finished, or alive in
another worker, does nothing: it never inserts twice.
"""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from members.error_workbook import write_error_workbook
from members.importer import MemberImporter
from members.jobs import ERROR_WORKBOOK_FOLDER
from members.models import ImportJob, JobStatus
from organizations import files
from organizations.job_runs import Heartbeat, claim, not_claimed, owns
from organizations.tabular.uploads import discard, retrieve


class _NotOurs(Exception):
    """The job was given to another run (or finished) while this one worked."""


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_member_import(job_id: int) -> str:
    job = claim(ImportJob.objects.select_related("owner"), job_id, processed=0)
    if job is None:
        return not_claimed(ImportJob, job_id)
    owner = job.owner
    try:
        if not owner.is_active:
            raise Http404
        upload = retrieve(job.token, user=owner, importer_name=MemberImporter.name)
    except Http404:
        with transaction.atomic():
            if owns(job, lock=True):
                _finish(job, JobStatus.FAILED, file_error="导入文件已失效，请重新上传。")
        return job.status
    try:
        with Heartbeat(job, progress_field="processed") as beat, transaction.atomic():
            return _import(job, upload, beat)
    except _NotOurs:
        return "given to another run"


def _import(job: ImportJob, upload, beat: Heartbeat) -> str:
    importer = MemberImporter(job.owner, progress=beat.progress)
    with upload.open() as handle:
        result = importer.run(handle)
    if not owns(job, lock=True):
        raise _NotOurs  # rolls back what this run wrote
    job.total = result.total
    if result.ok:
        _finish(job, JobStatus.DONE, saved=result.saved)
        transaction.on_commit(lambda: discard(upload))
        return job.status
    errors = [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors]
    if result.errors:
        with upload.open() as handle:
            content = write_error_workbook(handle, result.errors, MemberImporter.fields)
        job.error_workbook = files.save_bytes(
            files.unique_name(ERROR_WORKBOOK_FOLDER, f"{job.pk}-errors", ".xlsx"), content
        )
    _finish(job, JobStatus.FAILED, file_error=result.file_error, errors=errors)
    return job.status


def _finish(job: ImportJob, status: str, *, saved: int = 0, file_error: str = "", errors=None) -> None:
    job.status = status
    job.saved = saved
    job.processed = job.total
    job.result = {"file_error": file_error, "errors": errors or []}
    job.finished_at = timezone.now()
    job.save()
