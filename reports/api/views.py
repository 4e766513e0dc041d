"""Read endpoints under /api/v1/: areas, enterprises, unions, members, each through the user's scope.

Every queryset starts from `Model.objects.visible_to(request.user)`, so a
record outside the scope is simply not found (404). Everything here is
read-only, which is also all an HQ viewer may do.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import authentication, permissions, viewsets

from members.models import Member, Membership
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


@extend_schema_view(list=extend_schema(parameters=[AREA_FILTER]))
class MemberViewSet(ScopedViewSet):
    serializer_class = serializers.MemberSerializer

    def base_queryset(self):
        return Member.objects.order_by("name", "pk")

    def get_queryset(self):
        in_scope = Membership.objects.visible_to(self.request.user).order_by("-joined_on", "pk")
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("memberships", queryset=in_scope, to_attr="scoped_memberships"))
        )
