"""Which figure scopes a user may ask for, by the key used in URLs and the API.

A figure scope is an area subtree (keyed by its division code) or the
federation's affiliates (keyed "federation"). A user may ask for their own
scope and any area inside it; HQ also for the federation. Anything else is
simply not found (404), as for any object outside a user's scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext

from organizations.models import Area, AreaLevel, User
from organizations.scopes import FEDERATION_KEY, Scope


@dataclass(frozen=True)
class FigureScope:
    """A scope with what a page needs to show it: its name, its area (if any) and its key."""

    scope: Scope
    area: Area | None
    label: str

    @property
    def key(self) -> str:
        """The key in URLs and the API: a division code, or 'federation'."""
        if self.area is not None:
            return self.area.code
        return self.scope.key

    @property
    def is_federation(self) -> bool:
        return self.scope.kind == "federation"


def scope_of_area(area: Area) -> Scope:
    """The region is Scope.region() (key ""), as the roll-up stores it; any other area its subtree."""
    return Scope.region() if area.level == AreaLevel.REGION else Scope.of_area(area)


def region_area() -> Area | None:
    return Area.objects.filter(level=AreaLevel.REGION).first()


def federation_scope() -> FigureScope:
    return FigureScope(Scope.federation(), None, gettext("区非公企业工会联合会"))


def own_figure_scope(user: User) -> FigureScope:
    """The user's own scope: the region for HQ, their area, the federation or their union."""
    scope = Scope.for_user(user)
    if scope.kind == "nothing":
        raise Http404
    if scope.kind == "federation":
        return federation_scope()
    if scope.kind == "union":
        return FigureScope(scope, None, user.union.name)
    area = region_area() if scope.is_region else user.area
    return FigureScope(scope_of_area(area) if area else scope, area, area.name if area else user.place_label)


def figure_scope_for_key(user: User, key: str) -> FigureScope:
    """The scope named key, if the user may see its figures; 404 otherwise."""
    own = Scope.for_user(user)
    if own.kind == "union" and key == own.key:
        return own_figure_scope(user)
    if key == FEDERATION_KEY:
        if own.kind == "federation" or (own.kind == "area" and own.is_region):
            return federation_scope()
        raise Http404
    area = Area.objects.filter(code=key).first()
    if area is None or own.kind != "area" or not area.prefix.startswith(own.prefix):
        raise Http404
    return FigureScope(scope_of_area(area), area, area.name)
