"""Read endpoints under /api/v1/: areas, enterprises, unions, members, each through the user's scope.

Every queryset starts from `Model.objects.visible_to(request.user)`, so a
record outside the scope is simply not found (404). Everything here is
read-only, which is also all an HQ viewer may do.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import authentication, permissions, viewsets
from rest_framework.exceptions import ValidationError

from members.forms import RosterFilterForm
from members.models import Member, Membership
from members.selectors import roster
from organizations.models import Area, Enterprise, Union
from organizations.permissions import Perm, has_perm
from organizations.scopes import Scope
from reports.api import serializers
from reports.api.authentication import ExpiringTokenAuthentication

# Token first: a machine with a wrong, expired or revoked token is told 401 with the scheme to use.
AUTHENTICATION = [ExpiringTokenAuthentication, authentication.SessionAuthentication]


class CanView(permissions.BasePermission):
    """Signed in (session or token) with a role that may view."""

    def has_permission(self, request, view) -> bool:
        return has_perm(request.user, Perm.VIEW)


AREA_FILTER = OpenApiParameter(
    "area",
    OpenApiTypes.STR,
    description="Only records in this division's subtree (a code such as 540102); "
    "it narrows the caller's scope, never widens it.",
)


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    authentication_classes = AUTHENTICATION
    permission_classes = [CanView]
    area_filtered = True

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.base_queryset().visible_to(self.request.user)
        code = self.request.query_params.get("area") if self.area_filtered else None
        if code:
            area = Area.objects.filter(code=code).first()
            queryset = queryset.in_scope(Scope.of_area(area)) if area else queryset.none()
        return queryset


@extend_schema_view(list=extend_schema(parameters=[AREA_FILTER]))
class AreaViewSet(ScopedViewSet):
    serializer_class = serializers.AreaSerializer
    lookup_field = "code"

    def base_queryset(self):
        return Area.objects.order_by("code")


@extend_schema_view(list=extend_schema(parameters=[AREA_FILTER]))
class EnterpriseViewSet(ScopedViewSet):
    serializer_class = serializers.EnterpriseSerializer

    def base_queryset(self):
        return Enterprise.objects.order_by("area_id", "name", "pk")


@extend_schema_view(list=extend_schema(parameters=[AREA_FILTER]))
class UnionViewSet(ScopedViewSet):
    serializer_class = serializers.UnionSerializer

    def base_queryset(self):
        return Union.objects.order_by("area_id", "name", "pk")


MEMBER_FILTERS = [
    AREA_FILTER,
    OpenApiParameter(
        "date",
        OpenApiTypes.DATE,
        description="Members whose membership in the caller's scope is active on this day (YYYY-MM-DD); "
        "default: today. The same people the roster lists, and metrics' members_total counts with "
        "migrant=yes.",
    ),
    OpenApiParameter(
        "migrant", OpenApiTypes.STR, enum=["yes", "no"], description="Migrant workers only, or not."
    ),
    OpenApiParameter(
        "state",
        OpenApiTypes.STR,
        enum=["any"],
        description="'any': everyone with a membership in the scope, active or ended, not only on date.",
    ),
]


@extend_schema_view(list=extend_schema(parameters=MEMBER_FILTERS))
class MemberViewSet(ScopedViewSet):
    serializer_class = serializers.MemberSerializer
    area_filtered = False  # the roster's filters below take area, with the roster's meaning

    def base_queryset(self):
        return Member.objects.order_by("name", "pk")

    def get_queryset(self):
        people = super().get_queryset()
        if self.action == "list":
            form = RosterFilterForm(self.request.query_params, user=self.request.user)
            if form.failed:
                raise ValidationError(form.errors.get_json_data())
            people = people.filter(pk__in=roster(self.request.user, form.filters()).values("member_id"))
        in_scope = Membership.objects.visible_to(self.request.user).order_by("-joined_on", "pk")
        return people.prefetch_related(
            Prefetch("memberships", queryset=in_scope, to_attr="scoped_memberships")
        )
