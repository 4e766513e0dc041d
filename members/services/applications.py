"""Joining at the source: a worker applies through a union's join link, staff decide.

The public side never learns anything about anyone: application_submit
answers the same whether or not the ID number is known, and only staff see
the conflict (an active membership elsewhere) when they approve.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drives.freshness import refreshes
from members.idnumber import IdNumber, parse_id_number
from members.models import ApplicationStatus, JoinApplication, JoinChannel, Membership
from members.personal_data import keyed_hash
from members.services.enrolment import MemberError, PersonDetails, checked_text, member_enrol
from organizations import audit
from organizations.freetext import clean_free_text, clean_person_name
from organizations.models import AuditAction, Enterprise, Union
from organizations.permissions import Perm, require


def application_submit(
    *, union: Union, name: str, id_number: IdNumber, phone: str, employer_name: str, ethnicity: str = "藏族"
) -> JoinApplication | None:
    """Queue an application. A repeat of a pending one for the same union is dropped
    (None), silently: the worker sees the same confirmation either way."""
    name = checked_text(name, clean_person_name, "name")
    employer_name = checked_text(employer_name, clean_free_text, "employer_name")
    id_hash = keyed_hash(id_number.value)
    with transaction.atomic():
        if JoinApplication.objects.pending().filter(union=union, id_hash=id_hash).exists():
            return None
        employer = union.enterprises.filter(name=employer_name).first()
        application = JoinApplication(
            union=union,
            name=name,
            birth_date=id_number.birth_date,
            sex=id_number.sex,
            ethnicity=ethnicity,
            employer_name=employer_name,
            employer=employer,
        )
        application.set_id_number(id_number.value)
        application.set_phone(phone)
        application.save()
        audit.record(user=None, action=AuditAction.CREATE, obj=application, changes={"union": union.name})
    return application


def _pending_locked(user, application: JoinApplication) -> JoinApplication:
    if not JoinApplication.objects.visible_to(user).filter(pk=application.pk).exists():
        raise MemberError(_("该申请不在您的管辖范围内。"))
    locked = JoinApplication.objects.select_for_update().select_related("union").get(pk=application.pk)
    if locked.status != ApplicationStatus.PENDING:
        raise MemberError(_("该申请%(status)s，不能重复审核。") % {"status": locked.get_status_display()})
    return locked


@refreshes
def application_approve(
    *,
    user,
    application: JoinApplication,
    employer: Enterprise | None,
    joined_on: dt.date,
    channel: str = JoinChannel.ONLINE,
    is_migrant: bool = True,
) -> Membership:
    require(user, Perm.EDIT_MEMBERS)
    if channel not in (JoinChannel.ONLINE, JoinChannel.SOURCE):
        raise MemberError(_("入会方式应为网上申请或源头入会。"), field="channel")
    with transaction.atomic():
        application = _pending_locked(user, application)
        person = PersonDetails(
            id_number=parse_id_number(application.reveal_id_number()),
            name=application.name,
            ethnicity=application.ethnicity,
            phone=application.reveal_phone(),
            is_migrant=is_migrant,
        )
        membership = member_enrol(
            user=user,
            person=person,
            union=application.union,
            employer=employer,
            joined_on=joined_on,
            channel=channel,
        )
        application.status = ApplicationStatus.APPROVED
        application.membership = membership
        application.employer = employer
        application.decided_at = timezone.now()
        application.decided_by = user
        application.save(update_fields=["status", "membership", "employer", "decided_at", "decided_by"])
        audit.record(
            user=user,
            action=AuditAction.TRANSITION,
            obj=application,
            changes={"status": ["pending", "approved"]},
        )
    return membership


def application_reject(*, user, application: JoinApplication, reason: str) -> JoinApplication:
    require(user, Perm.EDIT_MEMBERS)
    reason = reason.strip()
    if not reason:
        raise MemberError(_("请填写驳回理由，申请人将据此了解原因。"), field="reason")
    with transaction.atomic():
        application = _pending_locked(user, application)
        application.status = ApplicationStatus.REJECTED
        application.reject_reason = reason[:200]
        application.decided_at = timezone.now()
        application.decided_by = user
        application.save(update_fields=["status", "reject_reason", "decided_at", "decided_by"])
        audit.record(
            user=user,
            action=AuditAction.TRANSITION,
            obj=application,
            changes={"status": ["pending", "rejected"], "reason": application.reject_reason},
        )
    return application
