"""Enrolling a person in a union, and ending a membership.

One person has one active membership in the whole system. The partial unique
index on Membership(member) where left_on is null is the rule; these services
check first only to name the union that already holds the person, and turn
the index's refusal (two clerks at the same moment) into the same message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from drives.freshness import refreshes
from members.idnumber import IdNumber
from members.models import EndReason, JoinChannel, Member, Membership, TransferStatus
from members.personal_data import keyed_hash
from organizations import audit
from organizations.freetext import TextError, clean_free_text, clean_person_name
from organizations.locking import save_with_version
from organizations.models import AuditAction, Enterprise, Union
from organizations.permissions import Perm, require
from organizations.scopes import Scope


class MemberError(Exception):
    """A refused write; `message` is for the clerk, `field` the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class MemberAlreadyActive(MemberError):
    """The person is an active member elsewhere. Names that union and nothing else
    about them; `membership` is set only when it lies inside the user's scope."""

    def __init__(self, holder: Membership, *, visible: bool):
        self.union_name = holder.union.name
        self.membership = holder if visible else None
        super().__init__(
            _(
                "此人已是「%(name)s」的在册会员，不能重复入会。如其已调动工作，请由该工会开具转会凭证，再在本系统按凭证编号接收转入。"
            )
            % {"name": holder.union.name},
            field="id_number",
        )


@dataclass(frozen=True)
class PersonDetails:
    id_number: IdNumber
    name: str
    ethnicity: str = "藏族"
    phone: str = ""
    hukou_place: str = ""
    is_migrant: bool = True


def checked_text(value: str, rule: Callable[[str], str], field: str) -> str:
    """A name or free-text value under organizations.freetext's rule, or the refusal for
    its form field: the services hold the rule whatever form or import calls them."""
    try:
        return rule(value)
    except TextError as error:
        raise MemberError(str(error), field=field) from None


def active_membership_of(id_hash: str) -> Membership | None:
    return (
        Membership.objects.current()
        .filter(member__id_hash=id_hash)
        .select_related("union", "union__area")
        .first()
    )


def refuse_if_active(user, id_hash: str) -> None:
    holder = active_membership_of(id_hash)
    if holder is not None:
        visible = Membership.objects.visible_to(user).filter(pk=holder.pk).exists()
        raise MemberAlreadyActive(holder, visible=visible)


def _check_place(user, union: Union, employer: Enterprise | None, joined_on: dt.date) -> None:
    scope = Scope.for_user(user)
    if not Union.objects.in_scope(scope).filter(pk=union.pk).exists():
        raise MemberError(_("所选工会不在您的管辖范围内。"), field="union")
    if employer is not None and not Enterprise.objects.in_scope(scope).filter(pk=employer.pk).exists():
        raise MemberError(_("所选工作单位不在您的管辖范围内。"), field="employer")
    if joined_on > timezone.localdate():
        raise MemberError(_("入会日期不能晚于今天。"), field="joined_on")
    if joined_on < union.founded_on:
        raise MemberError(
            _("入会日期早于该工会成立日期（%(founded_on)s）。")
            % {"founded_on": format(union.founded_on, "%Y-%m-%d")},
            field="joined_on",
        )
    if union.dissolved_on and joined_on >= union.dissolved_on:
        raise MemberError(_("该工会已撤销，不能再接收会员。"), field="union")


def _person(details: PersonDetails) -> Member:
    """The stored person for this ID number (locked), or a new one."""
    id_hash = keyed_hash(details.id_number.value)
    member = Member.objects.select_for_update().filter(id_hash=id_hash).first()
    if member is None:
        member = Member(birth_date=details.id_number.birth_date, sex=details.id_number.sex)
        member.set_id_number(details.id_number.value)
    member.name = details.name
    member.ethnicity = details.ethnicity
    member.hukou_place = details.hukou_place
    member.is_migrant = details.is_migrant
    if details.phone:
        member.set_phone(details.phone)
    member.save()
    return member


@refreshes
def member_enrol(
    *,
    user,
    person: PersonDetails,
    union: Union,
    employer: Enterprise | None,
    joined_on: dt.date,
    channel: str = JoinChannel.OTHER,
) -> Membership:
    """Create the person if new and start their membership in union."""
    require(user, Perm.EDIT_MEMBERS)
    person = dataclasses.replace(
        person,
        name=checked_text(person.name, clean_person_name, "name"),
        hukou_place=checked_text(person.hukou_place, clean_free_text, "hukou_place"),
    )
    _check_place(user, union, employer, joined_on)
    with transaction.atomic():
        id_hash = keyed_hash(person.id_number.value)
        refuse_if_active(user, id_hash)
        if Membership.objects.filter(member__id_hash=id_hash, left_on__gt=joined_on).exists():
            raise MemberError(_("入会日期早于此人上一次会籍的离会日期。"), field="joined_on")
        try:
            with transaction.atomic():
                member = _person(person)
                membership = Membership.objects.create(
                    member=member,
                    union=union,
                    employer=employer,
                    joined_on=joined_on,
                    channel=channel,
                    created_by=user if user.is_authenticated else None,
                )
        except IntegrityError:
            # Another clerk enrolled the same person a moment ago.
            refuse_if_active(user, id_hash)
            raise MemberError(_("此人刚被他人同时登记，请刷新后核对。"), field="id_number") from None
        audit.record(
            user=user,
            action=AuditAction.CREATE,
            obj=membership,
            changes={"union": union.name, "joined_on": joined_on.isoformat(), "channel": channel},
        )
    return membership


MEMBER_EDIT_FIELDS = ["name", "ethnicity", "hukou_place", "is_migrant"]


@refreshes
def member_update(*, user, member: Member, seen_version: int, phone: str, **values) -> Member:
    """Edit a person's details (not the ID number: a wrong one is a different person).
    Only the scope the person lies in may: a county they left keeps its rows, not them."""
    require(user, Perm.EDIT_MEMBERS)
    if not Member.objects.editable_by(user).filter(pk=member.pk).exists():
        raise MemberError(_("此人不在您的管辖范围内。"))
    values["name"] = checked_text(values["name"], clean_person_name, "name")
    values["hukou_place"] = checked_text(values["hukou_place"], clean_free_text, "hukou_place")
    with transaction.atomic():
        before = audit.snapshot(member, MEMBER_EDIT_FIELDS) | {"phone": member.phone_masked}
        for name in MEMBER_EDIT_FIELDS:
            setattr(member, name, values[name])
        member.set_phone(phone)
        save_with_version(
            member, seen_version, [*MEMBER_EDIT_FIELDS, "phone_hash", "phone_encrypted", "phone_masked"]
        )
        after = audit.snapshot(member, MEMBER_EDIT_FIELDS) | {"phone": member.phone_masked}
        audit.record(user=user, action=AuditAction.UPDATE, obj=member, changes=audit.diff(before, after))
    return member


@refreshes
def membership_end(*, user, membership: Membership, left_on: dt.date, reason: str) -> Membership:
    """End an active membership (lapsed, died, other). Transfers end through transfer_accept."""
    require(user, Perm.EDIT_MEMBERS)
    if reason not in EndReason.values or reason == EndReason.TRANSFER_OUT:
        raise MemberError(_("离会原因无效；转会请开具转会凭证。"), field="reason")
    if not Membership.objects.visible_to(user).filter(pk=membership.pk).exists():
        raise MemberError(_("该会籍不在您的管辖范围内。"))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.left_on is not None:
            raise MemberError(_("该会籍已经结束。"))
        if membership.transfers_out.filter(status=TransferStatus.ISSUED).exists():
            raise MemberError(_("该会员有未完成的转会凭证，请先撤销凭证。"))
        if not membership.joined_on <= left_on <= timezone.localdate():
            raise MemberError(_("离会日期应在入会日期与今天之间。"), field="left_on")
        membership.left_on = left_on
        membership.end_reason = reason
        membership.save(update_fields=["left_on", "end_reason"])
        audit.record(
            user=user,
            action=AuditAction.UPDATE,
            obj=membership,
            changes={"left_on": [None, left_on.isoformat()], "end_reason": ["", reason]},
        )
    return membership
