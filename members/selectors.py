"""Reads for the member pages: the roster and a member's history, through the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery

from members.idnumber import IdNumberError, parse_id_number
from members.models import (
    NEW_GENERATION_BORN_FROM,
    JoinApplication,
    Member,
    Membership,
    Transfer,
    TransferStatus,
)
from members.personal_data import keyed_hash
from members.phone import PhoneError, normalize_phone


@dataclass(frozen=True)
class RosterFilters:
    q: str = ""
    union_id: int | None = None
    employer_id: int | None = None
    sector: str = ""
    new_generation: bool | None = None
    joined_from: dt.date | None = None
    joined_to: dt.date | None = None


def search_condition(q: str, prefix: str = "member__") -> Q:
    """An ID number or a phone matches exactly, by keyed hash; anything else is part of a name."""
    try:
        return Q(**{f"{prefix}id_hash": keyed_hash(parse_id_number(q).value)})
    except IdNumberError:
        pass
    try:
        return Q(**{f"{prefix}phone_hash": keyed_hash(normalize_phone(q))})
    except PhoneError:
        pass
    return Q(**{f"{prefix}name__icontains": q})


def roster(user, filters: RosterFilters):
    """Current memberships in the user's scope, with what a roster row shows, in three joins."""
    memberships = (
        Membership.objects.visible_to(user)
        .current()
        .select_related("member", "union", "employer")
        .order_by("-joined_on", "-pk")
    )
    if filters.q:
        memberships = memberships.filter(search_condition(filters.q))
    if filters.union_id:
        memberships = memberships.filter(union_id=filters.union_id)
    if filters.employer_id:
        memberships = memberships.filter(employer_id=filters.employer_id)
    if filters.sector:
        memberships = memberships.filter(employer__sector=filters.sector)
    if filters.new_generation is True:
        memberships = memberships.filter(member__birth_date__gte=NEW_GENERATION_BORN_FROM)
    elif filters.new_generation is False:
        memberships = memberships.filter(member__birth_date__lt=NEW_GENERATION_BORN_FROM)
    if filters.joined_from:
        memberships = memberships.filter(joined_on__gte=filters.joined_from)
    if filters.joined_to:
        memberships = memberships.filter(joined_on__lte=filters.joined_to)
    return memberships


def member_history(user, member: Member) -> dict:
    """The memberships and transfers of member that lie in the user's scope."""
    memberships = list(
        Membership.objects.visible_to(user)
        .filter(member=member)
        .select_related("union", "employer")
        .order_by("joined_on", "pk")
    )
    ids = [m.pk for m in memberships]
    transfers = list(
        Transfer.objects.filter(Q(from_membership_id__in=ids) | Q(to_membership_id__in=ids))
        .select_related("from_membership__union", "to_membership__union")
        .order_by("issued_on", "pk")
    )
    for transfer in transfers:
        # The certificate page belongs to the sending side's scope.
        transfer.issued_here = transfer.from_membership_id in ids
    return {"memberships": memberships, "transfers": transfers}


def former_memberships(user, q: str = ""):
    """Ended memberships in the user's scope, latest first, each marked `placed_here` when
    the person still lies in the scope (their page may be opened) and with `certificate_id`,
    the accepted transfer certificate this scope issued, if any. Two queries a page."""
    placed_here = Member.objects.visible_to(user).filter(pk=OuterRef("member_id"))
    certificate = Transfer.objects.filter(from_membership=OuterRef("pk"), status=TransferStatus.ACCEPTED)
    rows = (
        Membership.objects.visible_to(user)
        .filter(left_on__isnull=False)
        .select_related("member", "union", "employer")
        .annotate(placed_here=Exists(placed_here), certificate_id=Subquery(certificate.values("pk")[:1]))
        .order_by("-left_on", "-pk")
    )
    return rows.filter(search_condition(q)) if q else rows


def application_queue(user, status: str = "pending"):
    queue = JoinApplication.objects.visible_to(user).select_related("union", "employer")
    return queue.filter(status=status) if status else queue
