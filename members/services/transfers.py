"""Transfer by certificate (凭证转会).

The sending union issues a certificate with a unique number; the receiving
union, in any county, accepts it by that number (typed or scanned from the QR
code). Accepting ends the old membership and begins the new one on the same
date, so the person is never counted twice nor missed, and both rows stay.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drives.freshness import refreshes
from members.models import EndReason, JoinChannel, Membership, Transfer, TransferStatus
from members.services.enrolment import MemberError
from organizations import audit
from organizations.models import AuditAction, Enterprise, Union
from organizations.permissions import Perm, require
from organizations.scopes import Scope

NUMBER_PREFIX = "ZJ"


def certificate_number(transfer: Transfer) -> str:
    """ZJ-2015-000123: the year issued and the certificate's serial."""
    return f"{NUMBER_PREFIX}-{transfer.issued_on:%Y}-{transfer.pk:06d}"


def normalize_number(raw: str) -> str:
    return "".join(str(raw).split()).upper().replace("－", "-")


def transfer_issue(*, user, membership: Membership, issued_on: dt.date, note: str = "") -> Transfer:
    require(user, Perm.EDIT_MEMBERS)
    if not Membership.objects.visible_to(user).filter(pk=membership.pk).exists():
        raise MemberError(_("该会籍不在您的管辖范围内。"))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("member").get(pk=membership.pk)
        if membership.left_on is not None:
            raise MemberError(_("该会籍已经结束，不能开具转会凭证。"))
        if membership.transfers_out.filter(status=TransferStatus.ISSUED).exists():
            raise MemberError(_("该会员已有一张未接收的转会凭证，请先撤销。"))
        if not membership.joined_on <= issued_on <= timezone.localdate():
            raise MemberError(_("开具日期应在入会日期与今天之间。"), field="issued_on")
        transfer = Transfer.objects.create(
            number=f"pending-{membership.pk}",
            member=membership.member,
            from_membership=membership,
            issued_on=issued_on,
            issued_by=user,
            note=note,
        )
        transfer.number = certificate_number(transfer)
        transfer.save(update_fields=["number"])
        audit.record(
            user=user, action=AuditAction.CREATE, obj=transfer, changes={"issued_on": issued_on.isoformat()}
        )
    return transfer


@refreshes
def transfer_accept(
    *, user, number: str, union: Union, employer: Enterprise | None, accepted_on: dt.date
) -> Transfer:
    """The receiving side takes the member in. Staff anywhere may accept a certificate
    they hold the number of; the union and employer must be in their own scope."""
    require(user, Perm.EDIT_MEMBERS)
    scope = Scope.for_user(user)
    if not Union.objects.in_scope(scope).filter(pk=union.pk).exists():
        raise MemberError(_("接收工会不在您的管辖范围内。"), field="union")
    if employer is not None and not Enterprise.objects.in_scope(scope).filter(pk=employer.pk).exists():
        raise MemberError(_("工作单位不在您的管辖范围内。"), field="employer")
    with transaction.atomic():
        transfer = (
            Transfer.objects.select_for_update()
            .select_related("from_membership", "from_membership__union")
            .filter(number=normalize_number(number))
            .first()
        )
        if transfer is None:
            raise MemberError(_("没有这个编号的转会凭证，请核对凭证编号。"), field="number")
        if transfer.status != TransferStatus.ISSUED:
            raise MemberError(
                _("该凭证%(status)s，不能再次接收。") % {"status": transfer.get_status_display()},
                field="number",
            )
        old = transfer.from_membership
        if old.union_id == union.pk:
            raise MemberError(_("接收工会与转出工会相同，无需转会。"), field="union")
        if not max(old.joined_on, transfer.issued_on) <= accepted_on <= timezone.localdate():
            raise MemberError(_("接收日期应在凭证开具日期与今天之间。"), field="accepted_on")
        if accepted_on < union.founded_on:
            raise MemberError(_("接收日期早于接收工会的成立日期。"), field="accepted_on")
        old.left_on = accepted_on
        old.end_reason = EndReason.TRANSFER_OUT
        old.save(update_fields=["left_on", "end_reason"])
        new = Membership.objects.create(
            member_id=old.member_id,
            union=union,
            employer=employer,
            joined_on=accepted_on,
            channel=JoinChannel.TRANSFER_IN,
            created_by=user,
        )
        transfer.to_membership = new
        transfer.status = TransferStatus.ACCEPTED
        transfer.accepted_on = accepted_on
        transfer.accepted_by = user
        transfer.save(update_fields=["to_membership", "status", "accepted_on", "accepted_by"])
        audit.record(
            user=user,
            action=AuditAction.TRANSITION,
            obj=transfer,
            changes={"status": ["issued", "accepted"], "from": old.union.name, "to": union.name},
        )
    return transfer


def transfer_cancel(*, user, transfer: Transfer) -> Transfer:
    require(user, Perm.EDIT_MEMBERS)
    if not Transfer.objects.visible_to(user).filter(pk=transfer.pk).exists():
        raise MemberError(_("该凭证不在您的管辖范围内。"))
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if transfer.status != TransferStatus.ISSUED:
            raise MemberError(_("只有未接收的凭证可以撤销。"))
        transfer.status = TransferStatus.CANCELLED
        transfer.save(update_fields=["status"])
        audit.record(
            user=user,
            action=AuditAction.TRANSITION,
            obj=transfer,
            changes={"status": ["issued", "cancelled"]},
        )
    return transfer
