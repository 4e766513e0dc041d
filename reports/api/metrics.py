"""GET /api/v1/metrics/?scope=CODE&date=YYYY-MM-DD: every DESIGN figure by its name.

The numbers come from drives.figures, the one place figures are defined, so
the API, the dashboards and the Excel forms can never disagree.
"""

import datetime as dt

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from drives import figures
from reports.api.views import CanView
from reports.dashboards.scopes import figure_scope_for_key, own_figure_scope


def parse_day(raw: str | None) -> dt.date:
    if not raw:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            {"date": f"'{raw}' is not a date: write it as YYYY-MM-DD, for example 2025-04-30."}
        ) from None


class MetricsSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text="A division code, or 'federation'.")
    scope_name = serializers.CharField()
    date = serializers.DateField()
    figures = serializers.DictField(help_text="Every DESIGN figure, by its name.")


@extend_schema(
    parameters=[
        OpenApiParameter(
            "scope",
            OpenApiTypes.STR,
            description="A division code (540000, 540100, 540102…) or 'federation'; "
            "default: the caller's own scope. A code outside the caller's scope answers 404.",
        ),
        OpenApiParameter(
            "date",
            OpenApiTypes.DATE,
            description="The day the figures are taken at (YYYY-MM-DD); default: today in Beijing time.",
        ),
    ],
    responses=MetricsSerializer,
)
@api_view(["GET"])
@permission_classes([CanView])
def metrics(request: Request) -> Response:
    key = request.query_params.get("scope")
    target = figure_scope_for_key(request.user, key) if key else own_figure_scope(request.user)
    day = parse_day(request.query_params.get("date"))
    values = figures.compute(target.scope, day)
    return Response({"scope": target.key, "scope_name": target.label, "date": day, "figures": values})
