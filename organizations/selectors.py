"""Reads of the basic directory: lists with their derived facts, and the plan's red lists.

Derived facts (four-element, covered and by whom, the migrant-worker
membership rate) are computed in SQL at a date, so a list of any length costs
a fixed number of queries: `covered` is an EXISTS, `migrant_members` a
correlated COUNT, and the covering unions come in one prefetch.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from members.models import Membership
from organizations.models import (
    Area,
    AreaLevel,
    Coverage,
    EightHavesCheck,
    Enterprise,
    Park,
    Union,
    UnionKind,
    User,
)
from organizations.models.directory import (
    FOUR_ELEMENT_MEMBERSHIP_RATE,
    EightHaves,
    EnterpriseQuerySet,
)

# The rate threshold as a fraction of integers, so SQL compares without floats.
_RATE_NUM, _RATE_DEN = round(FOUR_ELEMENT_MEMBERSHIP_RATE * 100), 100


def migrant_members(day: dt.date, employer: str = "pk") -> Coalesce:
    """Active migrant members employed on day at the enterprise the outer row's
    `employer` field names (a correlated count)."""
    active = (
        Membership.objects.active_on(day)
        .filter(employer=OuterRef(employer), member__is_migrant=True)
        .order_by()
        .values("employer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(active, output_field=IntegerField()), Value(0))


def with_facts(enterprises: EnterpriseQuerySet, day: dt.date) -> EnterpriseQuerySet:
    """Annotate covered, covered_by_joint and migrant_members; prefetch the covering unions."""
    active = Coverage.objects.active_on(day).select_related("union").order_by("union__name")
    return (
        enterprises.with_covered(day)
        .annotate(
            covered_by_joint=Exists(
                Coverage.objects.active_on(day).filter(enterprise=OuterRef("pk"), union__kind=UnionKind.JOINT)
            ),
            migrant_members=migrant_members(day),
        )
        .select_related("area", "park")
        .prefetch_related(Prefetch("coverages", queryset=active, to_attr="active_coverages"))
    )


def below_rate(enterprises: QuerySet, day: dt.date) -> QuerySet:
    """The enterprises whose migrant-worker membership rate at day is under 80 %.

    Compared as members × 100 < migrant workers × 80, in integers: no division
    truncates (9 migrant workers need 8 members, not 7), as in drives.figures.
    The members are counted in one grouped query over the candidates' memberships
    and compared here: a correlated count per candidate row took seconds at
    region scale, and twice over (the page and its count)."""
    candidates = enterprises.filter(migrant_workers__gt=0).order_by()
    workers = dict(candidates.values_list("pk", "migrant_workers"))
    members = dict(
        Membership.objects.active_on(day)
        .filter(member__is_migrant=True, employer__in=candidates.values("pk"))
        .order_by()
        .values("employer")
        .annotate(n=Count("pk"))
        .values_list("employer", "n")
    )
    below = [pk for pk, n in workers.items() if members.get(pk, 0) * _RATE_DEN < n * _RATE_NUM]
    return enterprises.filter(pk__in=below)


@dataclass(frozen=True)
class EnterpriseFilters:
    q: str = ""
    sector: str = ""
    park: int | None = None
    covered: bool | None = None
    four_element: bool | None = None
    below_80: bool = False


def enterprise_list(user: User, day: dt.date, filters: EnterpriseFilters) -> EnterpriseQuerySet:
    enterprises = with_facts(Enterprise.objects.visible_to(user), day)
    if filters.q:
        enterprises = enterprises.filter(Q(name__icontains=filters.q) | Q(credit_code__icontains=filters.q))
    if filters.sector:
        enterprises = enterprises.filter(sector=filters.sector)
    if filters.park:
        enterprises = enterprises.filter(park_id=filters.park)
    if filters.covered is not None:
        enterprises = enterprises.filter(covered=filters.covered)
    if filters.four_element is True:
        enterprises = enterprises.four_element()
    elif filters.four_element is False:
        enterprises = enterprises.exclude(pk__in=Enterprise.objects.four_element().values("pk"))
    if filters.below_80:
        enterprises = below_rate(enterprises, day)
    return enterprises.order_by("area_id", "name", "pk")


def union_list(user: User, day: dt.date, q: str = "", kind: str = "") -> QuerySet:
    unions = Union.objects.visible_to(user).select_related("area", "park", "parent")
    if q:
        unions = unions.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind:
        unions = unions.filter(kind=kind)
    covering = Coverage.objects.active_on(day).filter(union=OuterRef("pk")).order_by().values("union")
    return unions.annotate(
        covers_count=Coalesce(
            Subquery(covering.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
        ),
        members_count=Coalesce(
            Subquery(
                Membership.objects.active_on(day)
                .filter(union=OuterRef("pk"))
                .order_by()
                .values("union")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    ).order_by("area_id", "name", "pk")


# The plan's red lists.


@dataclass
class RedLists:
    day: dt.date
    four_element_without_union: QuerySet
    four_element_below_80: QuerySet
    small_without_joint_union: QuerySet
    parks_without_union: QuerySet
    townships_missing_haves: list[tuple[Area, EightHavesCheck | None, list[str]]]


def red_lists(user: User, day: dt.date) -> RedLists:
    open_enterprises = with_facts(Enterprise.objects.visible_to(user).open_on(day), day).order_by(
        "area_id", "name"
    )
    four_element = open_enterprises.four_element()
    return RedLists(
        day=day,
        four_element_without_union=four_element.filter(covered=False),
        four_element_below_80=below_rate(four_element.filter(covered=True), day),
        small_without_joint_union=open_enterprises.small().filter(covered_by_joint=False),
        parks_without_union=parks_without_union(user, day),
        townships_missing_haves=townships_missing_haves(user, day),
    )


def parks_without_union(user: User, day: dt.date) -> QuerySet:
    park_unions = Union.objects.active_on(day).filter(park=OuterRef("pk"), kind=UnionKind.PARK)
    return (
        Park.objects.visible_to(user)
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=day))
        .annotate(has_union=Exists(park_unions), enterprises_count=Count("enterprises"))
        .filter(has_union=False)
        .select_related("area")
        .order_by("area_id", "name")
    )


def townships_missing_haves(user: User, day: dt.date) -> list[tuple[Area, EightHavesCheck | None, list[str]]]:
    """Townships whose last check on or before day lacks any of the eight haves
    (or that were never checked), with the missing items named. Two queries."""
    latest = (
        EightHavesCheck.objects.filter(township=OuterRef("pk"), checked_on__lte=day)
        .order_by("-checked_on")
        .values("pk")[:1]
    )
    townships = list(
        Area.objects.visible_to(user)
        .filter(level=AreaLevel.TOWNSHIP)
        .annotate(latest_check=Subquery(latest))
        .select_related("parent")
        .order_by("code")
    )
    checks = EightHavesCheck.objects.in_bulk([t.latest_check for t in townships if t.latest_check])
    everything = [str(item.label) for item in EightHaves]
    found = []
    for township in townships:
        check = checks.get(township.latest_check)
        missing = check.missing() if check else everything
        if missing:
            found.append((township, check, missing))
    return found


def membership_rate(members: int, migrant_workers: int) -> float | None:
    return members / migrant_workers if migrant_workers else None
