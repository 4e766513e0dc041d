"""Background exports of the directory and the roster (organizations.export_jobs)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """Who is running a background job, and whether they are alive (organizations.job_runs).

    The running task writes `heartbeat_at` every few seconds from its own connection; a job
    still "running" whose heartbeat has stopped lost its worker, and the sweep queues it again
    (`requeued_at`, `requeue_count`). `run_token` names the run that claimed the job, so only
    that run may finish it. Every job model here shares one status vocabulary: queued,
    running, done, failed.
    """

    run_token = models.CharField(max_length=32, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    requeued_at = models.DateTimeField(null=True, blank=True, editable=False)
    requeue_count = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        abstract = True


class DownloadStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class DownloadJob(JobRun):
    """A large .xlsx/.csv export built by a Celery worker; only its owner sees it.

    The row names the export by its registry key (export_jobs.EXPORTS) and the
    user's filters, never a queryset: the worker derives the rows from the
    owner's scope as it is when the job runs. The file lives in the
    storage (organizations.files, under export_jobs.FOLDER) until it is cleaned up.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    export = models.CharField(max_length=40)
    file_format = models.CharField(max_length=4, default="xlsx")
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(_("导出"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=10, choices=DownloadStatus.choices, default=DownloadStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=200, blank=True)  # the name the browser saves
    stored_name = models.CharField(max_length=100, blank=True)  # the file's name in the storage
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="downloadjob_owner_idx")]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (DownloadStatus.DONE, DownloadStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == DownloadStatus.DONE:
            return 100
        return min(100, int(100 * self.done / self.total)) if self.total else 0
