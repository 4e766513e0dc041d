"""Bimonthly progress reports (双月进展报告) and their review.

A report belongs to one reporting unit (a prefecture or the federation,
keyed like snapshots: the area code prefix or "federation") for one period.
Its figures are frozen into `figures` when it is submitted; later changes in
the data are shown beside them, never inside. Once accepted a report never
changes (database triggers refuse it, see migration 0004); a correction is a
new version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import JobRun, Sector
from organizations.scopes import Scope, ScopedQuerySet


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    RESUBMITTED = "resubmitted", _("已重新报送")
    ACCEPTED = "accepted", _("已采纳")


# Statuses in which the unit's text and figures may not change. They are also the
# statuses that count as submitted (DESIGN "Reporting completeness"): a returned
# report is not submitted until it is resubmitted.
FROZEN_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED, ReportStatus.ACCEPTED)
SUBMITTED_STATUSES = FROZEN_STATUSES

NARRATIVE_FIELDS = ("progress", "typical_experience", "innovations", "problems", "next_steps")


class UnitScopedQuerySet(ScopedQuerySet):
    """Rows of one reporting unit (unit_key): visible in the unit's subtree (a
    county sees its prefecture's report, read-only) and above it (HQ sees all)."""

    area_lookup = "unit_key"
    federation_lookup = "is_federation"

    def in_scope(self, scope: Scope) -> UnitScopedQuerySet:
        if scope.kind == "area" and scope.prefix:
            above = [scope.prefix[:n] for n in range(2, len(scope.prefix))]
            return self.filter(
                Q(unit_key__startswith=scope.prefix) | Q(unit_key__in=above, is_federation=False)
            )
        return super().in_scope(scope)


class ProgressReportQuerySet(UnitScopedQuerySet):
    def latest_versions(self) -> ProgressReportQuerySet:
        return self.filter(is_latest=True)

    def standing(self) -> dict[tuple[str, str], ProgressReport]:
        """The version that stands for each (unit_key, period) among these reports, in one query.

        The newest accepted version; a unit with none accepted, its latest version
        when that is submitted or resubmitted. So a correction (a new version of an
        accepted report) replaces the accepted one only once it is accepted itself,
        and a unit whose only version is a draft or returned has not reported.
        """
        found: dict[tuple[str, str], ProgressReport] = {}
        for report in self.filter(status__in=SUBMITTED_STATUSES).order_by("version"):
            key = (report.unit_key, report.period)
            standing = found.get(key)
            if report.status == ReportStatus.ACCEPTED or standing is None:
                found[key] = report  # ordered by version: the newest accepted wins
        return found


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
    # A prefecture's report: why it is submitted while some of its counties' are not accepted.
    counties_note = models.TextField(_("县区报告未全部采纳的说明"), blank=True)
    hq_comments = models.TextField(_("审核意见"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    # PROTECT: the names on a submitted or reviewed report are part of the record
    # (the database trigger refuses to blank them on an accepted one); a departing
    # clerk's account is deactivated, not deleted.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
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
    def is_county(self) -> bool:
        return not self.is_federation and len(self.unit_key) == 6

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def on_time(self) -> bool | None:
        if self.first_submitted_at is None:
            return None
        from django.utils import timezone

        return timezone.localtime(self.first_submitted_at).date() <= self.deadline


class ReportAction(models.TextChoices):
    OPEN = "open", _("开始填报")
    SUBMIT = "submit", _("报送")
    RESUBMIT = "resubmit", _("重新报送")
    RETURN = "return", _("退回")
    ACCEPT = "accept", _("采纳")
    CORRECT = "correct", _("建立更正版本")
    REOPEN = "reopen", _("因下级更正重新打开")
    COMMENT = "comment", _("意见")


class ReportEvent(models.Model):
    """One step of a report's history: who moved it, when, from what to what, and why.

    Written by the workflow's services (reports.services.progress) in the same
    transaction as the change, never edited; shown on the report at every level."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=12, choices=ReportAction.choices)
    from_status = models.CharField(max_length=12, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReportStatus.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("报告流转记录")
        verbose_name_plural = _("报告流转记录")

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


class Acceptance(models.Model):
    """Year-end acceptance (考核验收) of one reporting unit against its target responsibility letter."""

    drive = models.ForeignKey("drives.Drive", on_delete=models.PROTECT, related_name="acceptances")
    unit_key = models.CharField(max_length=12)
    area = models.ForeignKey(
        "organizations.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_federation = models.BooleanField(default=False)
    items = models.JSONField(_("考核项目"), default=list)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, default=0)
    hq_comments = models.TextField(_("区总工会意见"), blank=True)
    special_report = models.FileField(_("专题报告"), upload_to="special_reports/%Y/", blank=True)
    special_report_name = models.CharField(max_length=200, blank=True)
    special_report_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["drive", "unit_key"]
        verbose_name = _("年终考核验收")
        verbose_name_plural = _("年终考核验收")
        constraints = [models.UniqueConstraint(fields=["drive", "unit_key"], name="acceptance_one_per_unit")]

    def __str__(self) -> str:
        return f"{self.drive.year} {self.unit_key}"

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")
    PUBLISHED = "published", _("已发布")


class TypicalCaseQuerySet(UnitScopedQuerySet):
    def published(self) -> TypicalCaseQuerySet:
        return self.filter(status=CaseStatus.PUBLISHED)


class TypicalCase(models.Model):
    """A typical case (典型案例): submitted by a unit, reviewed, featured and published by HQ."""

    drive = models.ForeignKey("drives.Drive", on_delete=models.PROTECT, related_name="cases")
    unit_key = models.CharField(max_length=12)
    area = models.ForeignKey(
        "organizations.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_federation = models.BooleanField(default=False)
    title = models.CharField(_("标题"), max_length=200)
    sector = models.CharField(_("行业"), max_length=20, choices=Sector.choices)
    body = models.TextField(_("案例内容"))
    status = models.CharField(
        _("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED
    )
    featured = models.BooleanField(_("推荐"), default=False)
    review_note = models.TextField(_("审核意见"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = TypicalCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")

    def __str__(self) -> str:
        return self.title


class CasePhoto(models.Model):
    case = models.ForeignKey(TypicalCase, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to="cases/%Y/")
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class Inspection(models.Model):
    """An inspection visit (调研督查) by HQ to a reporting unit."""

    drive = models.ForeignKey("drives.Drive", on_delete=models.PROTECT, related_name="inspections")
    unit_key = models.CharField(max_length=12)
    area = models.ForeignKey(
        "organizations.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_federation = models.BooleanField(default=False)
    visited_on = models.DateField(_("督查日期"))
    team = models.CharField(_("督查组成员"), max_length=300)
    units_visited = models.TextField(_("走访单位"))
    findings = models.TextField(_("发现情况"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("调研督查")
        verbose_name_plural = _("调研督查")

    def __str__(self) -> str:
        return f"{self.visited_on} {self.unit_key}"


class FollowUp(models.TextChoices):
    OPEN = "open", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    RESOLVED = "resolved", _("已整改")


class InspectionProblem(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="problems")
    description = models.TextField(_("问题"))
    responsible = models.CharField(_("责任单位"), max_length=200)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("整改情况"), max_length=12, choices=FollowUp.choices, default=FollowUp.OPEN)
    follow_up = models.TextField(_("跟踪记录"), blank=True)
    resolved_on = models.DateField(_("整改完成日期"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("督查问题")
        verbose_name_plural = _("督查问题")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="problem_resolved_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.description[:50]

    def is_overdue(self, today) -> bool:
        return self.status != FollowUp.RESOLVED and self.deadline < today


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(JobRun):
    """An official form generated by a Celery worker; its owner polls the progress."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)  # "progress" or "acceptance"
    drive = models.ForeignKey("drives.Drive", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=7, blank=True)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} ({self.status})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
