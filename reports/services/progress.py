"""The bimonthly progress report's workflow.

draft → submitted → returned (with HQ's comments) → resubmitted → accepted.
Each submission freezes the figures (drives.figures at the period's last day,
or today for a period still running) and the change since the previous
period into the report. Submit, return and accept lock the row and check its
status inside one transaction, so a submission cannot race its return.
Accepted reports never change (also refused by a database trigger); a
correction is a new version.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drives import figures
from drives.models import Drive
from drives.periods import Period
from drives.rollup import snapshot_day
from drives.snapshots import figures_at
from organizations import audit
from organizations.models import AuditAction, User
from organizations.permissions import Perm, require
from reports.models import NARRATIVE_FIELDS, ProgressReport, ReportStatus
from reports.services import ReportError
from reports.units import Unit, may_submit_for


def live_figures(report: ProgressReport) -> dict[str, Any]:
    """The unit's figures at the period's end (today while it runs), as every page reads them."""
    scope = report_scope(report)
    return figures_at([scope], snapshot_day(Period.parse(report.period)), drive=report.drive)[scope.key]


def previous_figures(report: ProgressReport) -> dict[str, Any] | None:
    """The unit's figures at the previous period: as its report froze them, else computed."""
    period = Period.parse(report.period)
    previous = period.previous()
    if previous.year != report.drive.year:
        return None
    frozen = (
        ProgressReport.objects.filter(
            drive=report.drive, period=previous.name, unit_key=report.unit_key, is_latest=True
        )
        .exclude(figures__isnull=True)
        .values_list("figures", flat=True)
        .first()
    )
    if frozen is not None:
        return frozen
    return figures.compute(report_scope(report), previous.end, drive=report.drive, period=previous)


def report_scope(report: ProgressReport):
    from organizations.scopes import Scope

    return Scope.federation() if report.is_federation else Scope("area", report.unit_key)


def _require_author(user: User, report: ProgressReport) -> None:
    from reports.units import unit_by_key

    unit = unit_by_key(report.unit_key)
    if unit is None or not may_submit_for(user, unit):
        raise ReportError(_("只有本单位（地市工会或区非公企业工会联合会）的工作人员可以填报和报送。"))


def report_open(*, user: User, drive: Drive, period: Period, unit: Unit) -> ProgressReport:
    """The unit's current report for the period, created as a draft the first time."""
    if not may_submit_for(user, unit):
        raise ReportError(_("只有本单位的工作人员可以填报。"))
    if period.year != drive.year:
        raise ReportError(
            _("期次%(period)s不属于%(year)s年度的集中行动。") % {"period": period, "year": drive.year}
        )
    with transaction.atomic():
        report, created = ProgressReport.objects.get_or_create(
            drive=drive,
            period=period.name,
            unit_key=unit.key,
            is_latest=True,
            defaults={
                "area": unit.area,
                "is_federation": unit.is_federation,
                "deadline": period.deadline(),
            },
        )
        if created:
            audit.record(user=user, action=AuditAction.CREATE, obj=report, changes={"period": period.name})
    return report


def report_save(*, user: User, report_id: int, narrative: dict[str, str]) -> ProgressReport:
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report_id)
        _require_author(user, report)
        if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise ReportError(_("报告已报送，不能再修改；如需更正，请等待退回。"))
        before = audit.snapshot(report, NARRATIVE_FIELDS)
        for name in NARRATIVE_FIELDS:
            setattr(report, name, narrative.get(name, "").strip())
        report.save(update_fields=[*NARRATIVE_FIELDS, "updated_at"])
        audit.record(
            user=user,
            action=AuditAction.UPDATE,
            obj=report,
            changes=audit.diff(before, audit.snapshot(report, NARRATIVE_FIELDS)),
        )
    return report


def report_submit(*, user: User, report_id: int) -> ProgressReport:
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().select_related("drive").get(pk=report_id)
        _require_author(user, report)
        if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise ReportError(_("报告已报送，请勿重复报送。"))
        if not report.progress.strip():
            raise ReportError(_("请填写“工作进展”后再报送。"), field="progress")
        now = timezone.now()
        report.figures = live_figures(report)
        report.previous_figures = previous_figures(report)
        report.status = (
            ReportStatus.RESUBMITTED if report.status == ReportStatus.RETURNED else ReportStatus.SUBMITTED
        )
        report.submitted_at = now
        report.first_submitted_at = report.first_submitted_at or now
        report.submitted_by = user
        report.save()
        audit.record(user=user, action=AuditAction.TRANSITION, obj=report, changes={"status": report.status})
    return report


def report_return(*, user: User, report_id: int, comments: str) -> ProgressReport:
    require(user, Perm.REVIEW_REPORTS)
    if not comments.strip():
        raise ReportError(_("退回时请写明修改意见。"), field="comments")
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report_id)
        if report.status not in (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED):
            raise ReportError(_("只能退回已报送、尚未采纳的报告。"))
        report.status = ReportStatus.RETURNED
        report.hq_comments = comments.strip()
        report.reviewed_at = timezone.now()
        report.reviewed_by = user
        report.save(update_fields=["status", "hq_comments", "reviewed_at", "reviewed_by", "updated_at"])
        audit.record(
            user=user, action=AuditAction.TRANSITION, obj=report, changes={"comments": report.hq_comments}
        )
    return report


def report_accept(*, user: User, report_id: int, comments: str = "") -> ProgressReport:
    require(user, Perm.REVIEW_REPORTS)
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report_id)
        if report.status not in (ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED):
            raise ReportError(_("只能采纳已报送的报告。"))
        report.status = ReportStatus.ACCEPTED
        if comments.strip():
            report.hq_comments = comments.strip()
        report.reviewed_at = timezone.now()
        report.reviewed_by = user
        report.save(update_fields=["status", "hq_comments", "reviewed_at", "reviewed_by", "updated_at"])
        audit.record(user=user, action=AuditAction.TRANSITION, obj=report, changes={"status": report.status})
    return report


def report_correct(*, user: User, report_id: int) -> ProgressReport:
    """A new draft version of an accepted report, carrying its narrative; the old one stays as it was."""
    with transaction.atomic():
        old = ProgressReport.objects.select_for_update().get(pk=report_id)
        _require_author(user, old)
        if old.status != ReportStatus.ACCEPTED or not old.is_latest:
            raise ReportError(_("只有已采纳的最新版本可以更正。"))
        ProgressReport.objects.filter(pk=old.pk).update(is_latest=False)
        new = ProgressReport.objects.create(
            drive=old.drive,
            period=old.period,
            unit_key=old.unit_key,
            area=old.area,
            is_federation=old.is_federation,
            version=old.version + 1,
            deadline=old.deadline,
            first_submitted_at=old.first_submitted_at,
            **{name: getattr(old, name) for name in NARRATIVE_FIELDS},
        )
        audit.record(user=user, action=AuditAction.CREATE, obj=new, changes={"version": new.version})
    return new
