"""Large member imports as background jobs (ImportJob), and their progress.

A file of more than JOB_THRESHOLD rows is not checked inside the request: an
ImportJob is queued on commit, a worker runs the import (check, then save all
rows or none), and the browser polls its progress. Progress is on the job row:
the worker's heartbeat (organizations.job_runs) writes the rows checked so
far from its own connection while the import's transaction is open, so the
page reads one status (queued, running, done, failed) from one place, and a
Redis outage does not blank it.
"""

from __future__ import annotations

from members.models import ImportJob
from organizations.job_runs import interruption_notice

JOB_THRESHOLD = 2000


def job_progress(job: ImportJob) -> dict:
    """What the progress bar shows: status, rows done of total, percent, and the outcome once finished."""
    total = job.total or 0
    done = total if job.finished else min(job.processed, total) if total else job.processed
    percent = 100 if job.finished else (int(done * 100 / total) if total else 0)
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": done,
        "total": total,
        "percent": percent,
        "finished": job.finished,
        "saved": job.saved,
        "notice": interruption_notice(job),
        "file_error": job.result.get("file_error", ""),
        "error_count": len(job.result.get("errors", [])),
    }


ERROR_WORKBOOK_FOLDER = "member-import-jobs"


def error_workbook_name(job: ImportJob) -> str:
    """Where the job's error workbook is kept in the storage (organizations.files)."""
    name = job.error_workbook
    return name if "/" in name else f"{ERROR_WORKBOOK_FOLDER}/{name}"  # rows from before the storage
