"""Reporting units and the chain they report along: county → prefecture → HQ, federation → HQ.

A unit is keyed like snapshots and targets: a county's or prefecture's code
prefix (540102, 5401) or "federation". Prefectures and the federation report
to HQ (`all_units`: the units of the official forms and acceptance); each
county reports to its prefecture (`county_units`). `units_for(user)` are the
units whose reports a user may see; `may_submit_for` and `may_review` say who
writes a unit's report and who returns or accepts it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from organizations.models import Area, AreaLevel, User
from organizations.scopes import FEDERATION_KEY, Scope

FEDERATION_LABEL = _("区非公企业工会联合会")


class Level:
    COUNTY = "county"
    PREFECTURE = "prefecture"
    FEDERATION = "federation"


@dataclass(frozen=True)
class Unit:
    key: str
    area: Area | None

    @property
    def label(self) -> str:
        return self.area.name if self.area else str(FEDERATION_LABEL)

    @property
    def scope(self) -> Scope:
        return Scope.of_area(self.area) if self.area else Scope.federation()

    @property
    def is_federation(self) -> bool:
        return self.area is None

    @property
    def level(self) -> str:
        if self.area is None:
            return Level.FEDERATION
        return Level.COUNTY if self.area.level == AreaLevel.COUNTY else Level.PREFECTURE

    @property
    def is_county(self) -> bool:
        return self.level == Level.COUNTY

    @property
    def parent_key(self) -> str | None:
        """The unit a county reports to (its prefecture); None for those reporting to HQ."""
        return self.key[:4] if self.is_county else None


def all_units() -> list[Unit]:
    """The units that report to HQ: each prefecture and the federation."""
    prefectures = Area.objects.filter(level=AreaLevel.PREFECTURE).order_by("code")
    return [Unit(area.prefix, area) for area in prefectures] + [Unit(FEDERATION_KEY, None)]


def county_units(prefix: str = "") -> list[Unit]:
    """The counties (under a prefecture's prefix, or all) that report to their prefecture."""
    counties = Area.objects.filter(level=AreaLevel.COUNTY, code__startswith=prefix).order_by("code")
    return [Unit(area.prefix, area) for area in counties]


def units_for(user: User) -> list[Unit]:
    """Units whose reports to HQ the user may see: all for HQ, their own (or their prefecture's)."""
    scope = Scope.for_user(user)
    units = all_units()
    if scope.kind == "federation":
        return [u for u in units if u.is_federation]
    if scope.kind != "area":  # union staff see their union, not a reporting unit (as UnitScopedQuerySet)
        return []
    if scope.is_region:
        return units
    return [u for u in units if u.area and (u.key.startswith(scope.prefix) or scope.prefix.startswith(u.key))]


def county_units_for(user: User) -> list[Unit]:
    """Counties whose reports the user may see: HQ all, a prefecture its own, a county itself."""
    scope = Scope.for_user(user)
    if scope.kind != "area":
        return []
    prefix = "" if scope.is_region else scope.prefix[:4]
    counties = county_units(prefix)
    if len(scope.prefix) >= 6:
        return [u for u in counties if scope.prefix.startswith(u.key)]
    return counties


def unit_by_key(key: str) -> Unit | None:
    if key == FEDERATION_KEY:
        return Unit(FEDERATION_KEY, None)
    area = (
        Area.objects.filter(level__in=[AreaLevel.PREFECTURE, AreaLevel.COUNTY], prefix=key).first()
        if key.isdigit()
        else None
    )
    return Unit(area.prefix, area) if area else None


def may_submit_for(user: User, unit: Unit) -> bool:
    """Only the unit's own staff write its report (a county or prefecture clerk, or federation staff)."""
    from organizations.permissions import Perm, has_perm

    if not has_perm(user, Perm.SUBMIT_REPORTS) or user.is_hq:
        return False
    scope = Scope.for_user(user)
    if unit.is_federation:
        return scope.kind == "federation"
    return scope.kind == "area" and scope.prefix == unit.key


def may_review(user: User, unit: Unit) -> bool:
    """Who returns or accepts a unit's report: its prefecture's staff for a county, HQ for the rest."""
    from organizations.permissions import Perm, has_perm

    if unit.is_county:
        scope = Scope.for_user(user)
        return (
            has_perm(user, Perm.SUBMIT_REPORTS) and scope.kind == "area" and scope.prefix == unit.parent_key
        )
    return has_perm(user, Perm.REVIEW_REPORTS)
