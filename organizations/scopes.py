"""The one scoping mechanism: which rows may this user touch?

A Scope is the part of the drive a user works in: an area subtree (selected by
its code prefix, see organizations.divisions), the non-public enterprise
federation's affiliates, or one union. Every scoped model's QuerySet derives
from ScopedQuerySet and declares how its rows relate to each kind of scope;
views, exports, imports, API endpoints and tasks all ask
`Model.objects.visible_to(user)` (or `.in_scope(scope)`) to read and
`.editable_by(user)` to write; `get_in_scope_or_404` answers 404 for anything
outside, and `get_editable_or_404` also 403 for what the user may only read.
No view filters by area on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

if TYPE_CHECKING:
    from organizations.models import User

FEDERATION_KEY = "federation"


@dataclass(frozen=True)
class Scope:
    kind: str  # "area", "federation", "union" or "nothing"
    prefix: str = ""  # the area subtree; "" is the whole region
    union_id: int | None = None

    @classmethod
    def region(cls) -> Scope:
        return cls("area", "")

    @classmethod
    def of_area(cls, area) -> Scope:
        return cls("area", area.prefix)

    @classmethod
    def federation(cls) -> Scope:
        return cls("federation")

    @classmethod
    def nothing(cls) -> Scope:
        return cls("nothing")

    @classmethod
    def for_user(cls, user: User) -> Scope:
        from organizations.models import Role

        if not user.is_authenticated or not user.is_active:
            return cls.nothing()
        if user.is_hq:
            return cls.region()
        if user.role in (Role.COUNTY, Role.PREFECTURE) and user.area_id:
            return cls.of_area(user.area)
        if user.role == Role.FEDERATION:
            return cls.federation()
        if user.role == Role.UNION and user.union_id:
            return cls("union", user.union.area.prefix, user.union_id)
        return cls.nothing()

    @property
    def is_region(self) -> bool:
        return self.kind == "area" and self.prefix == ""

    @property
    def edits_area_data(self) -> bool:
        """Areas, parks and the eight haves are kept by the area unions' chain alone:
        the federation reads those its affiliates stand in, union staff their area's."""
        return self.kind == "area"

    @property
    def key(self) -> str:
        """The scope's name in URLs, snapshots and the API: an area code prefix or 'federation'.

        A union's scope has a name of its own, never its area's: a union's figures
        are not its county's."""
        if self.kind == "union":
            return f"union-{self.union_id}"
        return FEDERATION_KEY if self.kind == "federation" else self.prefix

    def contains_code(self, code: str) -> bool:
        """May an object placed in area `code` belong to this scope?

        Federation staff work anywhere in the region (their rows are marked as
        affiliates instead); union staff only within their union's area.
        """
        if self.kind == "federation":
            return True
        if self.kind == "nothing":
            return False
        return code.startswith(self.prefix)


class ScopedQuerySet(models.QuerySet):
    """Subclasses name the lookups that place a row in each kind of scope.

    area_lookup: a field holding the row's area code (compared by prefix).
    federation_lookup: a boolean lookup marking federation affiliates.
    union_lookup: the lookup holding the union a row belongs to; None means
        union staff see rows by their union's area instead.
    placed_by: a reverse relation whose rows place this one, when only some of
        them count: a person lies where their *placing* membership lies (the
        active one, or the last), not wherever they ever were a member. The
        related QuerySet's `placing()` picks those rows, and the lookups above
        are then relative to them.
    area_data: areas, parks and the eight haves. Federation staff read those
        their affiliates stand in (`federation_condition`) and edit none;
        only area staff edit them.

    `in_scope` answers what a user may read; `editable_in` what they may change
    (`editable_condition` narrows it: history rows are read-only to everyone).
    """

    area_lookup: str | None = None
    federation_lookup: str | None = None
    union_lookup: str | None = None
    placed_by: str | None = None
    area_data = False

    # True when area_lookup/federation_lookup cross a to-many relation, so a
    # row could match several times.
    scope_spans_many = False

    def in_scope(self, scope: Scope) -> ScopedQuerySet:
        if scope.kind == "nothing":
            return self.none()
        if scope.kind == "federation":
            return self._filter_scoped(self.federation_condition(), self.scope_spans_many)
        if scope.kind == "union" and self.union_lookup is not None:
            return self._filter_scoped(Q(**{self.union_lookup: scope.union_id}), spans_many=True)
        if scope.prefix == "":
            return self.all()
        return self._filter_scoped(
            Q(**{f"{self.area_lookup}__startswith": scope.prefix}), self.scope_spans_many
        )

    def federation_condition(self) -> Q:
        """The rows federation staff read: their affiliates. Area data overrides this."""
        if self.federation_lookup is None:
            raise ImproperlyConfigured(f"{type(self).__name__} says nothing about the federation")
        return Q(**{self.federation_lookup: True})

    def editable_condition(self) -> Q:
        """Which rows in scope may be changed; all of them unless a subclass keeps history."""
        return Q()

    def editable_in(self, scope: Scope) -> ScopedQuerySet:
        if self.area_data and not scope.edits_area_data:
            return self.none()
        return self.in_scope(scope).filter(self.editable_condition())

    def _filter_scoped(self, condition: Q, spans_many: bool) -> ScopedQuerySet:
        if self.placed_by is not None:
            relation = self.model._meta.get_field(self.placed_by)
            placing = relation.related_model._default_manager.placing().filter(condition)
            return self.filter(Exists(placing.filter(**{relation.field.name: OuterRef("pk")})))
        if not spans_many:
            return self.filter(condition)
        # A subquery keeps each row once when the lookup spans a to-many relation.
        return self.filter(pk__in=self.model._default_manager.filter(condition).values("pk"))

    def visible_to(self, user: User) -> ScopedQuerySet:
        return self.in_scope(Scope.for_user(user))

    def editable_by(self, user: User) -> ScopedQuerySet:
        return self.editable_in(Scope.for_user(user))


def get_in_scope_or_404(queryset: ScopedQuerySet, user: User, **lookup: Any) -> models.Model:
    """Fetch one object through the user's scope; outside it is simply not found."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def visible_pks(queryset: ScopedQuerySet, user: User, pks: Iterable[Any]) -> set[Any]:
    """Which of these records the user may open, in one query: for a page that names
    related records (a firm's covering unions, a roster row's person) and links only
    those in the user's scope; the rest are named without a link that would answer 404."""
    wanted = set(pks)
    if not wanted:  # a page with nothing to link asks nothing
        return set()
    return set(queryset.visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))


def get_editable_or_404(queryset: ScopedQuerySet, user: User, **lookup: Any) -> models.Model:
    """Fetch one object the user may change: 404 outside their scope, 403 where they
    may only read it (another county's history row, area data for the federation)."""
    obj = get_in_scope_or_404(queryset, user, **lookup)
    if not queryset.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj
