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
from django.utils import timezone

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
    FOUR_ELEMENT_MIN_EMPLOYEES,
    EightHaves,
    EnterpriseQuerySet,
    reaches_membership_rate,
)
from organizations.scopes import Scope


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
    """Annotate covered and migrant_members; prefetch the covering unions."""
    active = Coverage.objects.active_on(day).select_related("union").order_by("union__name")
    return (
        enterprises.with_covered(day)
        .annotate(migrant_members=migrant_members(day))
        .select_related("area", "park")
        .prefetch_related(Prefetch("coverages", queryset=active, to_attr="active_coverages"))
    )


def _reaching_rate(enterprises: QuerySet, day: dt.date) -> tuple[set[int], set[int]]:
    """The pks of enterprises that reach, and that miss, the 80 % membership rate at day.

    The members are counted in one grouped query over the candidates'
    memberships and compared by organizations.models.directory
    .reaches_membership_rate, the rule drives.figures counts by: a correlated
    count per candidate row took seconds at region scale, and twice over (the
    page and its count)."""
    candidates = enterprises.order_by()
    workers = dict(candidates.values_list("pk", "migrant_workers"))
    members = dict(
        Membership.objects.active_on(day)
        .filter(member__is_migrant=True, employer__in=candidates.values("pk"))
        .order_by()
        .values("employer")
        .annotate(n=Count("pk"))
        .values_list("employer", "n")
    )
    reach = {pk for pk, n in workers.items() if reaches_membership_rate(members.get(pk, 0), n)}
    return reach, set(workers) - reach


def below_rate(enterprises: QuerySet, day: dt.date) -> QuerySet:
    """The enterprises employing migrant workers whose membership rate at day is under 80 %."""
    _reach, miss = _reaching_rate(enterprises.filter(migrant_workers__gt=0), day)
    return enterprises.filter(pk__in=miss)


def compliant(enterprises: QuerySet, day: dt.date, wanted: bool = True) -> QuerySet:
    """Covered and reaching 80 % (DESIGN four_element_compliant), or (wanted=False) not."""
    reach, _miss = _reaching_rate(enterprises.filter(covered=True), day)
    if wanted:
        return enterprises.filter(pk__in=reach)
    return enterprises.exclude(pk__in=reach)


@dataclass(frozen=True)
class EnterpriseFilters:
    scope: Scope | None = None  # narrows the user's scope (organizations.listing)
    day: dt.date | None = None  # None: today
    status: str = "open"  # open on day, "closed" by day, or "all"
    q: str = ""
    sector: str = ""
    park: int | None = None
    small: bool | None = None  # fewer than 25 employees
    covered: bool | None = None
    four_element: bool | None = None
    compliant: bool | None = None
    below_80: bool = False
    nothing: bool = False  # invalid filters: list nothing rather than everything


def enterprise_list(user: User, filters: EnterpriseFilters) -> EnterpriseQuerySet:
    """Enterprises in the user's scope meeting the filters, with their facts at the day.

    The conditions are drives.figures' (open on the day, four-element, covered,
    compliant), so a list opened from a figure holds exactly what it counts."""
    day = filters.day or timezone.localdate()
    enterprises = Enterprise.objects.visible_to(user)
    if filters.nothing:
        return enterprises.none()
    if filters.scope is not None:
        enterprises = enterprises.in_scope(filters.scope)
    if filters.status == "open":
        enterprises = enterprises.open_on(day)
    elif filters.status == "closed":
        enterprises = enterprises.filter(closed_on__lte=day)
    enterprises = with_facts(enterprises, day)
    if filters.q:
        enterprises = enterprises.filter(Q(name__icontains=filters.q) | Q(credit_code__icontains=filters.q))
    if filters.sector:
        enterprises = enterprises.filter(sector=filters.sector)
    if filters.park:
        enterprises = enterprises.filter(park_id=filters.park)
    if filters.small is True:
        enterprises = enterprises.small()
    elif filters.small is False:
        enterprises = enterprises.exclude(employees__lt=FOUR_ELEMENT_MIN_EMPLOYEES)
    if filters.covered is not None:
        enterprises = enterprises.filter(covered=filters.covered)
    if filters.four_element is True:
        enterprises = enterprises.four_element()
    elif filters.four_element is False:
        enterprises = enterprises.exclude(pk__in=Enterprise.objects.four_element().values("pk"))
    if filters.compliant is not None:
        enterprises = compliant(enterprises, day, filters.compliant)
    if filters.below_80:
        enterprises = below_rate(enterprises, day)
    return enterprises.order_by("area_id", "name", "pk")


@dataclass(frozen=True)
class PlaceFilters:
    """Parks, townships or communities/villages in the user's scope, at a day."""

    scope: Scope | None = None
    day: dt.date | None = None
    q: str = ""
    condition: bool | None = None  # with a union (parks, communities) or all eight haves (townships)
    nothing: bool = False


def _places(queryset: QuerySet, filters: PlaceFilters, *, name_field: str, condition: str) -> QuerySet:
    if filters.nothing:
        return queryset.none()
    if filters.scope is not None:
        queryset = queryset.in_scope(filters.scope)
    if filters.q:
        queryset = queryset.filter(**{f"{name_field}__icontains": filters.q})
    if filters.condition is not None:
        queryset = queryset.filter(**{condition: filters.condition})
    return queryset


def park_list(user: User, filters: PlaceFilters) -> QuerySet:
    """Parks established by the day (or undated), with whether an active park union is placed in
    each: drives.figures' parks_total and parks_with_union."""
    day = filters.day or timezone.localdate()
    park_unions = Union.objects.active_on(day).filter(park=OuterRef("pk"), kind=UnionKind.PARK)
    parks = (
        Park.objects.visible_to(user)
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=day))
        .select_related("area")
        .annotate(has_union=Exists(park_unions), enterprises_count=Count("enterprises"))
    )
    return _places(parks, filters, name_field="name", condition="has_union").order_by("area_id", "name", "pk")


def township_list(user: User, filters: PlaceFilters) -> QuerySet:
    """Townships with their latest eight-haves check on or before the day, and whether it has
    all eight: drives.figures' townships_total and townships_eight_haves."""
    day = filters.day or timezone.localdate()
    latest = EightHavesCheck.objects.latest_on(day).filter(township=OuterRef("pk"))
    townships = (
        Area.objects.visible_to(user)
        .filter(level=AreaLevel.TOWNSHIP)
        .select_related("parent")
        .annotate(
            complete=Exists(latest.complete()),
            checked_on=Subquery(latest.values("checked_on")[:1]),
        )
    )
    return _places(townships, filters, name_field="name_zh", condition="complete").order_by("code")


def community_list(user: User, filters: PlaceFilters) -> QuerySet:
    """Communities/villages, and whether an active community union is placed in each:
    drives.figures' communities_total and communities_with_union."""
    day = filters.day or timezone.localdate()
    unions = Union.objects.active_on(day).filter(area=OuterRef("pk"), kind=UnionKind.COMMUNITY)
    communities = (
        Area.objects.visible_to(user)
        .filter(level=AreaLevel.VILLAGE)
        .select_related("parent")
        .annotate(has_union=Exists(unions))
    )
    return _places(communities, filters, name_field="name_zh", condition="has_union").order_by("code")


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
    small_without_union: QuerySet
    parks_without_union: QuerySet
    townships_missing_haves: list[tuple[Area, EightHavesCheck | None, list[str]]]


def red_lists(user: User, day: dt.date, scope: Scope | None = None) -> RedLists:
    """The plan's red lists at day, in the user's scope (narrowed to scope): each the list
    behind a figure's complement (four_element_total − covered, covered − compliant, …)."""
    enterprises = Enterprise.objects.visible_to(user).open_on(day)
    if scope is not None:
        enterprises = enterprises.in_scope(scope)
    open_enterprises = with_facts(enterprises, day).order_by("area_id", "name")
    four_element = open_enterprises.four_element()
    places = PlaceFilters(scope=scope, day=day, condition=False)
    return RedLists(
        day=day,
        four_element_without_union=four_element.filter(covered=False),
        four_element_below_80=compliant(four_element.filter(covered=True), day, wanted=False),
        small_without_union=open_enterprises.small().filter(covered=False),
        parks_without_union=park_list(user, places),
        townships_missing_haves=townships_missing_haves(user, day, scope),
    )


def townships_missing_haves(
    user: User, day: dt.date, scope: Scope | None = None
) -> list[tuple[Area, EightHavesCheck | None, list[str]]]:
    """Townships whose last check on or before day lacks any of the eight haves
    (or that were never checked), with the missing items named. Two queries."""
    latest = (
        EightHavesCheck.objects.filter(township=OuterRef("pk"), checked_on__lte=day)
        .order_by("-checked_on")
        .values("pk")[:1]
    )
    townships = Area.objects.visible_to(user)
    if scope is not None:
        townships = townships.in_scope(scope)
    townships = list(
        townships.filter(level=AreaLevel.TOWNSHIP)
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
