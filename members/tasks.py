"""Celery tasks for members: the large import.

The task takes the job's id, loads the owner and runs the import under their
scope as it is *now* (a clerk moved to another county imports nothing into
the old one). It is idempotent: the job row is locked for the whole run and
marked finished in the same transaction as the rows are saved, so a job
redelivered after a worker died either finds it finished or starts over on a
rolled-back, empty slate; it never inserts twice.
"""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from members.error_workbook import write_error_workbook
from members.importer import MemberImporter
from members.jobs import error_workbook_path, report_progress
from members.models import ImportJob, JobStatus
from organizations.tabular.uploads import discard, retrieve


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_member_import(job_id: int) -> str:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("owner").filter(pk=job_id).first()
        if job is None or job.finished:
            return "already finished" if job else "no such job"
        owner = job.owner
        try:
            if not owner.is_active:
                raise Http404
            upload = retrieve(job.token, user=owner, importer_name=MemberImporter.name)
        except Http404:
            _finish(job, JobStatus.FAILED, file_error="导入文件已失效，请重新上传。")
            return job.status

        def progress(done: int) -> None:
            report_progress(job.pk, "working", done, job.total)

        report_progress(job.pk, "working", 0, job.total)
        importer = MemberImporter(owner, progress=progress)
        with upload.path.open("rb") as handle:
            result = importer.run(handle)
        job.total = result.total
        if result.ok:
            _finish(job, JobStatus.DONE, saved=result.saved)
            transaction.on_commit(lambda: discard(upload))
            return job.status
        errors = [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors]
        if result.errors:
            with upload.path.open("rb") as handle:
                content = write_error_workbook(handle, result.errors, MemberImporter.fields)
            path = error_workbook_path(job)
            path.write_bytes(content)
            job.error_workbook = path.name
        _finish(job, JobStatus.FAILED, file_error=result.file_error, errors=errors)
        return job.status


def _finish(job: ImportJob, status: str, *, saved: int = 0, file_error: str = "", errors=None) -> None:
    job.status = status
    job.saved = saved
    job.result = {"file_error": file_error, "errors": errors or []}
    job.finished_at = timezone.now()
    job.save()
