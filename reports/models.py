"""Bimonthly progress reports (双月进展报告) and their review.

A report belongs to one reporting unit (a prefecture or the federation,
keyed like snapshots: the area code prefix or "federation") for one period.
Its figures are frozen into `figures` when it is submitted; later changes in
the data are shown beside them, never inside. Once accepted a report never
changes (a database trigger refuses it, see migration 0002); a correction is a
new version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.scopes import ScopedQuerySet


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    RESUBMITTED = "resubmitted", _("已重新报送")
    ACCEPTED = "accepted", _("已采纳")


# Statuses in which the unit's text and figures may not change.
FROZEN_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED, ReportStatus.ACCEPTED)
# Statuses that count as "submitted" for reporting completeness.
SUBMITTED_STATUSES = (*FROZEN_STATUSES, ReportStatus.RETURNED)

NARRATIVE_FIELDS = ("progress", "typical_experience", "innovations", "problems", "next_steps")


class ProgressReportQuerySet(ScopedQuerySet):
    area_lookup = "unit_key"
    federation_lookup = "is_federation"

    def latest_versions(self) -> ProgressReportQuerySet:
        return self.filter(is_latest=True)


class ProgressReport(models.Model):
    drive = models.ForeignKey("drives.Drive", on_delete=models.PROTECT, related_name="reports")
    period = models.CharField(_("期次"), max_length=7)
    unit_key = models.CharField(max_length=12)
    area = models.ForeignKey(
        "organizations.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_federation = models.BooleanField(default=False)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    is_latest = models.BooleanField(default=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    deadline = models.DateField(_("报送截止日期"))
    figures = models.JSONField(_("报送数据"), null=True, blank=True)
    previous_figures = models.JSONField(null=True, blank=True)
    progress = models.TextField(_("工作进展"), blank=True)
    typical_experience = models.TextField(_("典型经验"), blank=True)
    innovations = models.TextField(_("创新做法"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步打算"), blank=True)
    hq_comments = models.TextField(_("区总工会意见"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["drive", "period", "unit_key", "-version"]
        verbose_name = _("双月进展报告")
        verbose_name_plural = _("双月进展报告")
        constraints = [
            models.UniqueConstraint(
                fields=["drive", "period", "unit_key", "version"], name="report_one_per_unit_version"
            ),
            models.UniqueConstraint(
                fields=["drive", "period", "unit_key"],
                condition=Q(is_latest=True),
                name="report_one_latest_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(figures__isnull=False, submitted_at__isnull=False),
                name="report_submitted_has_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.unit_key} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def on_time(self) -> bool | None:
        if self.first_submitted_at is None:
            return None
        from django.utils import timezone

        return timezone.localtime(self.first_submitted_at).date() <= self.deadline
