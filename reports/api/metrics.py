"""GET /api/v1/metrics/?scope=CODE&date=YYYY-MM-DD: every DESIGN figure by its name.

The numbers come from drives.figures, the one place figures are defined,
through the same reading as the dashboards (drives.snapshots.figures_at: a
period's last day reads the roll-up's snapshot where it is fresh), and the
default day is the dashboards' (drives.figures.default_day), so the API and
the dashboards cannot disagree.
"""

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from drives import figures
from reports.api.views import AUTHENTICATION, CanView
from reports.dashboards.scopes import figure_scope_for_key, own_figure_scope
from reports.dashboards.selectors import figures_for


def parse_day(raw: str | None) -> dt.date:
    if not raw:
        return figures.default_day()
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
    from_snapshot = serializers.BooleanField(
        help_text="True when the figures were read from the roll-up's snapshot of a period's last day "
        "(only ever a snapshot no later change has made stale; otherwise they are computed)."
    )
    reports_period = serializers.CharField(
        allow_null=True,
        help_text="The reporting period the reports_* figures count: the latest whose deadline is on "
        "or before date (e.g. 2015-B5); null before the first deadline.",
    )
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
            description="The day the figures are taken at (YYYY-MM-DD); default: the dashboards' day "
            "(today in Beijing time, or the latest drive's last day while this year has no drive).",
        ),
    ],
    responses=MetricsSerializer,
)
@api_view(["GET"])
@authentication_classes(AUTHENTICATION)
@permission_classes([CanView])
def metrics(request: Request) -> Response:
    key = request.query_params.get("scope")
    target = figure_scope_for_key(request.user, key) if key else own_figure_scope(request.user)
    day = parse_day(request.query_params.get("date"))
    found, reading = figures_for([target], day)
    return Response(
        {
            "scope": target.key,
            "scope_name": target.label,
            "date": day,
            "from_snapshot": reading.all_from_snapshot,
            "reports_period": reading.period_due.name if reading.period_due else None,
            "figures": found[target.key],
        }
    )
