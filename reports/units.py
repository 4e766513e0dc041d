"""Reporting units: each prefecture and the non-public enterprise federation.

A unit is keyed like snapshots and targets (the prefecture's code prefix, or
"federation"). `units_for(user)` are the units whose reports a user may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from organizations.models import Area, AreaLevel, User
from organizations.scopes import FEDERATION_KEY, Scope

FEDERATION_LABEL = _("区非公企业工会联合会")


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


def all_units() -> list[Unit]:
    prefectures = Area.objects.filter(level=AreaLevel.PREFECTURE).order_by("code")
    return [Unit(area.prefix, area) for area in prefectures] + [Unit(FEDERATION_KEY, None)]


def units_for(user: User) -> list[Unit]:
    """Units whose reports the user may see: all for HQ, their own (or their prefecture's)."""
    scope = Scope.for_user(user)
    units = all_units()
    if scope.kind == "federation":
        return [u for u in units if u.is_federation]
    if scope.kind != "area":  # union staff see their union, not a reporting unit (as UnitScopedQuerySet)
        return []
    if scope.is_region:
        return units
    return [u for u in units if u.area and (u.key.startswith(scope.prefix) or scope.prefix.startswith(u.key))]


def unit_by_key(key: str) -> Unit | None:
    return next((u for u in all_units() if u.key == key), None)


def may_submit_for(user: User, unit: Unit) -> bool:
    """Only the unit's own staff write its report (a prefecture clerk, or federation staff)."""
    from organizations.permissions import Perm, has_perm

    if not has_perm(user, Perm.SUBMIT_REPORTS) or user.is_hq:
        return False
    scope = Scope.for_user(user)
    if unit.is_federation:
        return scope.kind == "federation"
    return scope.kind == "area" and scope.prefix == unit.key
