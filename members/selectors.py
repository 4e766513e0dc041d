"""Reads for the member pages: the roster and a member's history, through the user's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from members.idnumber import IdNumberError, parse_id_number
from members.models import (
    NEW_GENERATION_BORN_FROM,
    JoinApplication,
    JoinChannel,
    Member,
    Membership,
    Transfer,
    TransferStatus,
)
from members.personal_data import keyed_hash
from members.phone import PhoneError, normalize_phone
from organizations.scopes import Scope


@dataclass(frozen=True)
class RosterFilters:
    """What the roster lists: memberships in the user's scope (narrowed to `scope`),
    active on `day` unless every_membership, meeting every condition given."""

    scope: Scope | None = None
    day: dt.date | None = None  # None: today
    every_membership: bool = False  # also those ended or not yet begun on day
    q: str = ""
    union_id: int | None = None
    employer_id: int | None = None
    sector: str = ""
    migrant: bool | None = None
    new_generation: bool | None = None
    channel: str = ""  # a JoinChannel, or "new" for every one but a transfer
    joined_from: dt.date | None = None
    joined_to: dt.date | None = None
    end_reason: str = ""
    left_from: dt.date | None = None
    left_to: dt.date | None = None
    nothing: bool = False  # the filters were invalid: list nothing rather than everything


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
    """Memberships in the user's scope meeting the filters, with what a roster row shows, in three joins.

    The conditions are those of the member figures (drives.figures), so a list
    opened from a figure's link (drives.drilldown) holds exactly the rows it counts."""
    memberships = Membership.objects.visible_to(user)
    if filters.nothing:
        return memberships.none()
    if filters.scope is not None:
        memberships = memberships.in_scope(filters.scope)
    if not filters.every_membership:
        memberships = memberships.active_on(filters.day or timezone.localdate())
    conditions = Q()
    if filters.q:
        conditions &= search_condition(filters.q)
    if filters.union_id:
        conditions &= Q(union_id=filters.union_id)
    if filters.employer_id:
        conditions &= Q(employer_id=filters.employer_id)
    if filters.sector:
        conditions &= Q(employer__sector=filters.sector)
    if filters.migrant is not None:
        conditions &= Q(member__is_migrant=filters.migrant)
    if filters.new_generation is not None:
        born_late = Q(member__birth_date__gte=NEW_GENERATION_BORN_FROM)
        conditions &= born_late if filters.new_generation else ~born_late
    if filters.channel == "new":
        conditions &= ~Q(channel=JoinChannel.TRANSFER_IN)
    elif filters.channel:
        conditions &= Q(channel=filters.channel)
    if filters.joined_from:
        conditions &= Q(joined_on__gte=filters.joined_from)
    if filters.joined_to:
        conditions &= Q(joined_on__lte=filters.joined_to)
    if filters.end_reason:
        conditions &= Q(end_reason=filters.end_reason)
    if filters.left_from:
        conditions &= Q(left_on__gte=filters.left_from)
    if filters.left_to:
        conditions &= Q(left_on__lte=filters.left_to)
    return (
        memberships.filter(conditions)
        .select_related("member", "union", "employer")
        .order_by("-joined_on", "-pk")
    )


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
