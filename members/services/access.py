"""Seeing full ID numbers and phones: only with the right, and always on record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from members.models import JoinApplication, Member
from organizations import audit
from organizations.models import AuditAction


def may_view_personal_data(user) -> bool:
    return bool(user.is_authenticated and (user.can_view_personal_data or user.is_superuser))


def personal_data_reveal(*, user, person: Member | JoinApplication) -> dict[str, str]:
    """The full numbers of one person, recorded as VIEW_PERSONAL (the trail names the
    person by masked number only)."""
    if not may_view_personal_data(user):
        raise PermissionDenied
    audit.record(
        user=user, action=AuditAction.VIEW_PERSONAL, obj=person, changes={"fields": ["身份证号", "手机号"]}
    )
    return {"id_number": person.reveal_id_number(), "phone": person.reveal_phone()}
