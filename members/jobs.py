"""Large member imports as background jobs (ImportJob), and their progress.

A file of more than JOB_THRESHOLD rows is not checked inside the request: an
ImportJob is queued on commit, a worker runs the import (check, then save all
rows or none), and the browser polls its progress. Progress lives in the cache
because the worker holds the job's row locked inside its transaction.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from members.models import ImportJob

JOB_THRESHOLD = 2000
PROGRESS_TTL = 24 * 3600


def progress_key(job_id: int) -> str:
    return f"members:import-job:{job_id}:progress"


def report_progress(job_id: int, stage: str, done: int, total: int) -> None:
    cache.set(progress_key(job_id), {"stage": stage, "done": done, "total": total}, PROGRESS_TTL)


def job_progress(job: ImportJob) -> dict:
    """What the progress bar shows: stage, done, total, percent, and the outcome once finished."""
    if job.finished:
        state = {"stage": job.status, "done": job.total, "total": job.total}
    else:
        state = cache.get(progress_key(job.pk)) or {"stage": job.status, "done": 0, "total": job.total}
    total = state["total"] or 0
    percent = 100 if job.finished else (int(state["done"] * 100 / total) if total else 0)
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": state["stage"],
        "done": state["done"],
        "total": total,
        "percent": percent,
        "finished": job.finished,
        "saved": job.saved,
        "file_error": job.result.get("file_error", ""),
        "error_count": len(job.result.get("errors", [])),
    }


def error_workbook_path(job: ImportJob) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "member-import-jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{job.pk}-errors.xlsx"
