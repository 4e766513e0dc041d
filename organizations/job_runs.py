"""Background jobs whose worker died are picked up again within minutes.

Tasks acknowledge late, so the broker gives a dead worker's task to another worker, but only
once the broker's visibility timeout has passed (CELERY_VISIBILITY_TIMEOUT, an hour, since it
must outlast the longest task): until then a killed import stayed "queued 20 %". Lowering that
timeout is no fix, since a task running longer than it is handed out twice. Instead each job
row says whether its run is alive:

- `claim` starts a run: under the row's lock it refuses a finished job and one whose run is
  alive (a fresh heartbeat), marks the job running and gives the run a token;
- `Heartbeat` is a thread of the running task that writes `heartbeat_at` (and the progress)
  to the row every JOB_HEARTBEAT_SECONDS on its own connection, outside the task's
  transaction; it dies with the worker;
- `requeue_stalled` (beat, every minute: `organizations.tasks.requeue_stalled_jobs`) finds
  running jobs whose heartbeat is older than JOB_STALE_SECONDS, marks them queued again with
  the time (the job page says so) and queues their task once more; after JOB_MAX_REQUEUES
  such interruptions the job fails with a message instead of looping;
- only the run holding the job's current token may finish it (`owns`), so a slow run that was
  given up on and the new one never both complete it; the broker's own redelivery, when it
  comes, finds the job finished or alive and does nothing.

Times are the database's clock (Now()), so workers on several machines agree.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading

from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Model, QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

# The jobs the sweep watches: model, and the task that runs one by its id.
SWEPT = (
    ("members.ImportJob", "members.tasks.run_member_import"),
    ("organizations.DownloadJob", "organizations.tasks.build_export"),
    ("reports.ExportJob", "reports.tasks.build_form"),
)
# Stored on the job untranslated, shown translated (the page's language).
GAVE_UP = gettext_noop("任务多次因后台服务中断而未完成，已停止。请重新提交；如仍失败请联系管理员。")


def heartbeat_seconds() -> float:
    return float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 10))


def stale_seconds() -> float:
    return float(getattr(settings, "JOB_STALE_SECONDS", 90))


def max_requeues() -> int:
    return int(getattr(settings, "JOB_MAX_REQUEUES", 3))


def _stale_before():
    return Now() - dt.timedelta(seconds=stale_seconds())


def claim(queryset: QuerySet, pk: int, **start) -> Model | None:
    """Start a run of job `pk`: the job, marked running with a new run_token (and `start`'s
    fields), or None when it is missing, finished, or being run by a live worker."""
    with transaction.atomic():
        job = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
        if job is None or job.status in (DONE, FAILED):
            return None
        model = type(job)
        alive = model.objects.filter(pk=pk, status=RUNNING, heartbeat_at__gte=_stale_before()).exists()
        if alive:
            logger.info(
                "%s %s: already running in a live worker; this delivery does nothing", model.__name__, pk
            )
            return None
        job.run_token = secrets.token_hex(16)
        job.status = RUNNING
        fields = {"run_token": job.run_token, "status": RUNNING, "heartbeat_at": Now(), **start}
        model.objects.filter(pk=pk).update(**fields)
        for name, value in start.items():
            setattr(job, name, value)
    return job


def owns(job: Model, *, lock: bool = False) -> bool:
    """Whether `job`'s run still holds it (not finished, not handed to another run)."""
    queryset = type(job).objects.filter(pk=job.pk, run_token=job.run_token, status=RUNNING)
    if lock:
        queryset = queryset.select_for_update()
    return queryset.exists()


class Heartbeat:
    """`with Heartbeat(job, progress_field="done") as beat:` … `beat.progress(n)` …

    A thread writes heartbeat_at, and the last progress given, to the job row every
    JOB_HEARTBEAT_SECONDS, and soon after each progress() call. It uses its own database
    connection, so what it writes is seen at once even while the task's own transaction is
    open, and it writes only while the run owns the job. With no worker (Celery eager, the
    demo) nothing can die: it only records progress when the job finishes.
    """

    MIN_INTERVAL = 0.5  # seconds between two writes, however often progress() is called

    def __init__(self, job: Model, *, progress_field: str):
        self.job = job
        self.field = progress_field
        self.done: int | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        from unionapp.celery import app

        if not app.conf.task_always_eager and connection.vendor != "sqlite":
            self._thread = threading.Thread(target=self._run, name=f"heartbeat-{self.job.pk}", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def progress(self, done: int) -> None:
        self.done = done
        self._wake.set()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._write()
                self._stop.wait(self.MIN_INTERVAL)
                self._wake.wait(heartbeat_seconds())
                self._wake.clear()
        finally:
            connection.close()  # this thread's own connection

    def _write(self) -> None:
        fields = {"heartbeat_at": Now()}
        if self.done is not None:
            fields[self.field] = self.done
        try:
            type(self.job).objects.filter(
                pk=self.job.pk, run_token=self.job.run_token, status=RUNNING
            ).update(**fields)
        except Exception:  # the database is away for a moment: the next beat tries again
            logger.warning("job %s: heartbeat not written", self.job.pk, exc_info=True)
            close_old_connections()


def requeue_stalled() -> int:
    """Queue again every running job whose heartbeat stopped; fail those interrupted too often.
    Returns how many were queued again."""
    from organizations.jobs import enqueue

    requeued = 0
    for label, task_path in SWEPT:
        model = apps.get_model(label)
        task = import_string(task_path)
        with transaction.atomic():
            stalled = list(
                model.objects.select_for_update(skip_locked=True)
                .filter(status=RUNNING, heartbeat_at__lt=_stale_before())
                .only("pk", "requeue_count")
            )
            for job in stalled:
                if job.requeue_count >= max_requeues():
                    model.objects.filter(pk=job.pk).update(**_failed_fields(model))
                    logger.warning(
                        "%s %s: worker lost %s times, job failed", label, job.pk, job.requeue_count
                    )
                    continue
                model.objects.filter(pk=job.pk).update(
                    status=QUEUED, run_token="", requeued_at=Now(), requeue_count=job.requeue_count + 1
                )
                transaction.on_commit(lambda task=task, pk=job.pk: enqueue(task, pk))
                logger.warning("%s %s: heartbeat stopped, queued again", label, job.pk)
                requeued += 1
    return requeued


def _failed_fields(model) -> dict:
    names = {field.name for field in model._meta.get_fields()}
    fields = {"status": FAILED, "run_token": ""}
    if "finished_at" in names:
        fields["finished_at"] = Now()
    if "error" in names:
        fields["error"] = GAVE_UP
    if "result" in names:
        fields["result"] = {"file_error": GAVE_UP, "errors": []}
    return fields


def interruption_notice(job: Model) -> str:
    """What the job's page says when its worker died and the job was queued again."""
    if job.requeued_at is None or job.status in (DONE, FAILED):
        return ""
    when = date_format(timezone.localtime(job.requeued_at), "H:i")
    if job.status == RUNNING:
        return _("处理曾中断，已于 %(time)s 重新排队，现已重新开始处理。") % {"time": when}
    return _("处理中断，已于 %(time)s 重新排队，稍后自动继续。") % {"time": when}


def release(job: Model) -> None:
    """This run stops without finishing (its task will be retried): let the next delivery
    claim the job at once rather than wait for the heartbeat to go stale."""
    try:
        type(job).objects.filter(pk=job.pk, run_token=job.run_token).update(heartbeat_at=None)
    except Exception:  # the database is what failed: the sweep takes over
        logger.warning("job %s: not released", job.pk, exc_info=True)


def not_claimed(model, pk: int) -> str:
    """Why `claim` gave no job: what the task returns (its result, for the logs and tests)."""
    job = model.objects.filter(pk=pk).only("status").first()
    if job is None:
        return "no such job"
    return "already finished" if job.status in (DONE, FAILED) else "running in another worker"
