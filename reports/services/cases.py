"""Typical cases: a unit submits (text and photos); HQ approves or returns, features and publishes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drives.models import Drive
from organizations import audit
from organizations.models import AuditAction, User
from organizations.permissions import Perm, require
from reports.models import CasePhoto, CaseStatus, TypicalCase
from reports.photos import check_photo
from reports.services import ReportError
from reports.units import Unit, may_submit_for


def case_submit(
    *, user: User, drive: Drive, unit: Unit, title: str, sector: str, body: str, photos=()
) -> TypicalCase:
    if not may_submit_for(user, unit):
        raise ReportError(_("只有地市工会或区非公企业工会联合会的工作人员可以报送典型案例。"))
    if not title.strip() or not body.strip():
        raise ReportError(_("请填写标题和案例内容。"))
    with transaction.atomic():
        case = TypicalCase.objects.create(
            drive=drive,
            unit_key=unit.key,
            area=unit.area,
            is_federation=unit.is_federation,
            title=title.strip(),
            sector=sector,
            body=body.strip(),
            submitted_by=user,
        )
        for upload in photos:
            suffix = check_photo(upload)
            photo = CasePhoto(case=case)
            photo.image.save(f"case{case.pk}{suffix}", upload, save=False)
            photo.save()
        audit.record(user=user, action=AuditAction.CREATE, obj=case, changes={"title": case.title})
    return case


TRANSITIONS = {
    "approve": ((CaseStatus.SUBMITTED,), CaseStatus.APPROVED),
    "return": ((CaseStatus.SUBMITTED, CaseStatus.APPROVED), CaseStatus.RETURNED),
    "publish": ((CaseStatus.APPROVED,), CaseStatus.PUBLISHED),
}


def case_review(*, user: User, case_id: int, action: str, note: str = "") -> TypicalCase:
    require(user, Perm.MANAGE_DRIVE)
    with transaction.atomic():
        case = TypicalCase.objects.select_for_update().get(pk=case_id)
        if action == "feature":
            case.featured = not case.featured
        elif action in TRANSITIONS:
            allowed, status = TRANSITIONS[action]
            if case.status not in allowed:
                raise ReportError(
                    _("案例当前为“%(status)s”，不能执行该操作（发布前须先审核通过）。")
                    % {"status": case.get_status_display()}
                )
            if action == "return" and not note.strip():
                raise ReportError(_("退回时请写明审核意见。"), field="note")
            case.status = status
            if status == CaseStatus.PUBLISHED:
                case.published_at = timezone.now()
        else:
            raise ReportError(_("未知的审核操作。"))
        if note.strip():
            case.review_note = note.strip()
        case.save()
        audit.record(user=user, action=AuditAction.TRANSITION, obj=case, changes={"action": action})
    return case
