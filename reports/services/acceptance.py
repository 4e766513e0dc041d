"""Year-end acceptance: HQ assesses (scores computed by reports.acceptance), comments and
finalises; the unit attaches its special report. A finalised acceptance never changes
(a database trigger refuses it too)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drives.models import Drive
from organizations import audit
from organizations.models import AuditAction, User
from organizations.permissions import Perm, require
from reports.acceptance import assess, items_as_json
from reports.models import Acceptance
from reports.services import ReportError
from reports.units import Unit, may_submit_for


def _locked(drive: Drive, unit: Unit) -> Acceptance:
    acceptance, _created = Acceptance.objects.get_or_create(
        drive=drive,
        unit_key=unit.key,
        defaults={"area": unit.area, "is_federation": unit.is_federation},
    )
    acceptance = Acceptance.objects.select_for_update().get(pk=acceptance.pk)
    if acceptance.is_final:
        raise ReportError(_("考核验收已定稿，不能再修改。"))
    return acceptance


def acceptance_assess(*, user: User, drive: Drive, unit: Unit, comments: str | None = None) -> Acceptance:
    require(user, Perm.REVIEW_REPORTS)
    with transaction.atomic():
        acceptance = _locked(drive, unit)
        items, score = assess(drive, unit)
        acceptance.items = items_as_json(items)
        acceptance.score = score
        if comments is not None:
            acceptance.hq_comments = comments.strip()
        acceptance.save()
        audit.record(user=user, action=AuditAction.UPDATE, obj=acceptance, changes={"score": str(score)})
    return acceptance


def acceptance_attach(*, user: User, drive: Drive, unit: Unit, upload) -> Acceptance:
    if not may_submit_for(user, unit):
        raise ReportError(_("只有本单位的工作人员可以上传专题报告。"))
    with transaction.atomic():
        acceptance = _locked(drive, unit)
        acceptance.special_report.save(f"{drive.year}-{unit.key}-{upload.name}"[-100:], upload, save=False)
        acceptance.special_report_name = upload.name[:200]
        acceptance.special_report_at = timezone.now()
        acceptance.save()
        audit.record(
            user=user, action=AuditAction.UPDATE, obj=acceptance, changes={"special_report": upload.name}
        )
    return acceptance


def acceptance_finalise(*, user: User, drive: Drive, unit: Unit) -> Acceptance:
    require(user, Perm.REVIEW_REPORTS)
    with transaction.atomic():
        acceptance = _locked(drive, unit)
        if not acceptance.items:
            raise ReportError(_("请先评分，再定稿。"))
        acceptance.finalised_at = timezone.now()
        acceptance.finalised_by = user
        acceptance.save(update_fields=["finalised_at", "finalised_by", "updated_at"])
        audit.record(user=user, action=AuditAction.TRANSITION, obj=acceptance, changes={"finalised": True})
    return acceptance
