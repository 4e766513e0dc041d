"""The bimonthly progress report's workflow along the chain county → prefecture → HQ.

The states and who may move them are reports.workflow's; these services do
the moves. Each submission freezes the figures (drives.figures at the period's
last day, or today for a period still running) and the change since the
previous period into the report. Every move locks the row and checks its
status inside one transaction (a submission cannot race its return), writes
a ReportEvent (who, when, from, to, why) and notifies the other side of the
chain. Accepted reports never change (also refused by a database trigger); a
correction is a new version, and a county's correction reopens the chain above
it only (workflow.REOPEN).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from drives import figures
from drives.models import Drive
from drives.periods import Period
from drives.rollup import snapshot_day
from drives.snapshots import figures_at
from notifications.models import NotificationKind
from notifications.services import notify
from organizations import audit
from organizations.models import AuditAction, Role, User
from reports import workflow
from reports.models import NARRATIVE_FIELDS, ProgressReport, ReportAction, ReportEvent, ReportStatus
from reports.services import ReportError
from reports.units import Level, Unit, county_units, may_submit_for, unit_by_key


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


def _unit_of(report: ProgressReport) -> Unit:
    unit = unit_by_key(report.unit_key)
    if unit is None:
        raise ReportError(_("报告所属单位不存在。"))
    return unit


def _check(user: User, action: str, report: ProgressReport) -> Unit:
    """Refuse the action unless the report's status and the user's side of the chain allow it."""
    unit = _unit_of(report)
    transition = workflow.TRANSITIONS[action]
    if not report.is_latest or report.status not in transition.sources:
        raise ReportError(
            _("报告当前为“%(status)s”，不能%(action)s。")
            % {"status": report.get_status_display(), "action": ReportAction(action).label}
        )
    if not workflow.may_act(user, action, report, unit):
        raise ReportError(str(workflow.REFUSALS[transition.actor]))
    return unit


def _event(report: ProgressReport, action: str, user: User | None, before: str, message: str = "") -> None:
    ReportEvent.objects.create(
        report=report, action=action, from_status=before, to_status=report.status, user=user, message=message
    )


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
            _event(report, ReportAction.OPEN, user, "")
    return report


def report_save(*, user: User, report_id: int, narrative: dict[str, str]) -> ProgressReport:
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report_id)
        unit = _unit_of(report)
        if not may_submit_for(user, unit):
            raise ReportError(str(workflow.REFUSALS[workflow.AUTHOR]))
        if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED) or not report.is_latest:
            raise ReportError(_("报告已报送，不能再修改；如需更正，请等待退回。"))
        fields = [*NARRATIVE_FIELDS, "counties_note"]
        before = audit.snapshot(report, fields)
        for name in fields:
            setattr(report, name, narrative.get(name, "").strip())
        report.save(update_fields=[*fields, "updated_at"])
        audit.record(
            user=user,
            action=AuditAction.UPDATE,
            obj=report,
            changes=audit.diff(before, audit.snapshot(report, fields)),
        )
    return report


def county_states(report: ProgressReport) -> list[tuple[Unit, ProgressReport | None]]:
    """A prefecture's counties with the report of theirs that stands for the period (or None)."""
    counties = county_units(report.unit_key)
    standing = ProgressReport.objects.filter(
        drive=report.drive, period=report.period, unit_key__in=[c.key for c in counties]
    ).standing()
    return [(county, standing.get((county.key, report.period))) for county in counties]


def report_submit(*, user: User, report_id: int) -> ProgressReport:
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().select_related("drive").get(pk=report_id)
        action = workflow.submit_action(report)
        unit = _check(user, action, report)
        if not report.progress.strip():
            raise ReportError(_("请填写“工作进展”后再报送。"), field="progress")
        if unit.level == Level.PREFECTURE:
            waiting = [
                c.label for c, r in county_states(report) if r is None or r.status != ReportStatus.ACCEPTED
            ]
            if waiting and not report.counties_note.strip():
                raise ReportError(
                    _(
                        "以下县区的报告尚未采纳：%(counties)s。请先审核，或在“县区报告未全部采纳的说明”中写明原因。"
                    )
                    % {"counties": "、".join(waiting)},
                    field="counties_note",
                )
        before, now = report.status, timezone.now()
        report.figures = live_figures(report)
        report.previous_figures = previous_figures(report)
        report.status = workflow.TRANSITIONS[action].target
        report.submitted_at = now
        report.first_submitted_at = report.first_submitted_at or now
        report.submitted_by = user
        report.save()
        audit.record(user=user, action=AuditAction.TRANSITION, obj=report, changes={"status": report.status})
        _event(report, action, user, before)
        tell_reviewers(report, unit)
    return report


def report_return(*, user: User, report_id: int, comments: str) -> ProgressReport:
    if not comments.strip():
        raise ReportError(_("退回时请写明修改意见。"), field="comments")
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report_id)
        unit = _check(user, ReportAction.RETURN, report)
        before = report.status
        report.status = ReportStatus.RETURNED
        report.hq_comments = comments.strip()
        report.reviewed_at = timezone.now()
        report.reviewed_by = user
        report.save(update_fields=["status", "hq_comments", "reviewed_at", "reviewed_by", "updated_at"])
        audit.record(
            user=user, action=AuditAction.TRANSITION, obj=report, changes={"comments": report.hq_comments}
        )
        _event(report, ReportAction.RETURN, user, before, report.hq_comments)
        tell_authors(report, unit, NotificationKind.RETURNED, report.hq_comments)
    return report


def report_accept(*, user: User, report_id: int, comments: str = "") -> ProgressReport:
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report_id)
        unit = _check(user, ReportAction.ACCEPT, report)
        before = report.status
        report.status = ReportStatus.ACCEPTED
        if comments.strip():
            report.hq_comments = comments.strip()
        report.reviewed_at = timezone.now()
        report.reviewed_by = user
        report.save(update_fields=["status", "hq_comments", "reviewed_at", "reviewed_by", "updated_at"])
        audit.record(user=user, action=AuditAction.TRANSITION, obj=report, changes={"status": report.status})
        _event(report, ReportAction.ACCEPT, user, before, comments.strip())
        tell_authors(report, unit, NotificationKind.ACCEPTED, comments.strip())
    return report


def report_comment(*, user: User, report_id: int, comments: str) -> ProgressReport:
    """A note on the report from either side of the chain; the status does not move."""
    if not comments.strip():
        raise ReportError(_("请填写意见内容。"), field="comments")
    with transaction.atomic():
        report = ProgressReport.objects.select_for_update().get(pk=report_id)
        unit = _check(user, ReportAction.COMMENT, report)
        _event(report, ReportAction.COMMENT, user, report.status, comments.strip())
        if may_submit_for(user, unit):
            tell_reviewers(report, unit, comments.strip())
        else:
            tell_authors(report, unit, NotificationKind.COMMENT, comments.strip())
    return report


def report_correct(*, user: User, report_id: int) -> ProgressReport:
    """A new draft version of an accepted report, carrying its narrative; the old one stays as it was.

    A county's correction reopens the chain above it: the prefecture's report for the
    period goes back to returned if it is waiting for HQ; if HQ has accepted it, it stands
    and the prefecture is told to correct it in its turn."""
    with transaction.atomic():
        old = ProgressReport.objects.select_for_update().get(pk=report_id)
        unit = _check(user, ReportAction.CORRECT, old)
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
            counties_note=old.counties_note,
            **{name: getattr(old, name) for name in NARRATIVE_FIELDS},
        )
        audit.record(user=user, action=AuditAction.CREATE, obj=new, changes={"version": new.version})
        _event(new, ReportAction.CORRECT, user, "", _("更正第%(v)s版") % {"v": old.version})
        if unit.is_county:
            _reopen_above(new, unit, user)
    return new


def _reopen_above(correction: ProgressReport, county: Unit, user: User) -> None:
    parent = (
        ProgressReport.objects.select_for_update()
        .filter(drive=correction.drive, period=correction.period, unit_key=county.parent_key, is_latest=True)
        .first()
    )
    if parent is None:
        return
    prefecture = _unit_of(parent)
    reason = _("%(county)s更正了本期报告（第%(v)s版），请据此更新后重新报送。") % {
        "county": county.label,
        "v": correction.version,
    }
    if parent.status in workflow.TRANSITIONS[ReportAction.REOPEN].sources:
        before = parent.status
        parent.status = ReportStatus.RETURNED
        parent.hq_comments = reason
        parent.save(update_fields=["status", "hq_comments", "updated_at"])
        _event(parent, ReportAction.REOPEN, user, before, reason)
    tell_authors(parent, prefecture, NotificationKind.REOPENED, reason, key=f"reopen:{correction.pk}")


# --- telling the other side of the chain ---------------------------------------


def unit_staff(unit: Unit) -> list[User]:
    """The active accounts that write the unit's reports."""
    if unit.is_federation:
        return list(User.objects.filter(role=Role.FEDERATION, is_active=True))
    role = Role.COUNTY if unit.is_county else Role.PREFECTURE
    return list(User.objects.filter(role=role, area=unit.area, is_active=True))


def reviewers(unit: Unit) -> list[User]:
    if unit.is_county:
        return unit_staff(unit_by_key(unit.parent_key))
    return list(User.objects.filter(role=Role.HQ, is_active=True))


def _text(report: ProgressReport, unit: Unit) -> str:
    return f"{unit.label} · {Period.parse(report.period).label}"


def tell_authors(report, unit, kind: str, message: str = "", *, key: str | None = None) -> None:
    titles = {
        NotificationKind.RETURNED: _("报告被退回：%(what)s"),
        NotificationKind.ACCEPTED: _("报告已采纳：%(what)s"),
        NotificationKind.COMMENT: _("审核意见：%(what)s"),
        NotificationKind.REOPENED: _("需要更正：%(what)s"),
    }
    notify(
        unit_staff(unit),
        kind=kind,
        key=key or f"{kind}:{report.pk}:{ReportEvent.objects.filter(report=report).count()}",
        title=titles[kind] % {"what": _text(report, unit)},
        body=message,
        url=reverse("reports:detail", args=[report.pk]),
    )


def tell_reviewers(report, unit, message: str = "") -> None:
    notify(
        reviewers(unit),
        kind=NotificationKind.SUBMITTED if not message else NotificationKind.COMMENT,
        key=f"to-reviewer:{report.pk}:{ReportEvent.objects.filter(report=report).count()}",
        title=(_("已报送，待审核：%(what)s") if not message else _("报送单位的说明：%(what)s"))
        % {"what": _text(report, unit)},
        body=message,
        url=reverse("reports:detail", args=[report.pk]),
    )
