"""The JSON API, version 1 (mounted at /api/v1/), and its OpenAPI schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from reports.api import metrics, views

app_name = "api"

router = SimpleRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("unions", views.UnionViewSet, basename="union")
router.register("members", views.MemberViewSet, basename="member")

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(
            authentication_classes=views.AUTHENTICATION, permission_classes=[views.CanView]
        ),
        name="schema",
    ),
    path("metrics/", metrics.metrics, name="metrics"),
    *router.urls,
]
