"""Dashboards under /dashboard/ (no namespace: the menu and the home page use `dashboard`)."""

from django.urls import path

from reports.api.token_page import api_token
from reports.dashboards import views

urlpatterns = [
    path("", views.own_dashboard, name="dashboard"),
    path("export/", views.dashboard_export, name="dashboard_export"),
    path("federation/", views.federation_dashboard, name="dashboard_federation"),
    path("api-token/", api_token, name="api_token"),
]
urlpatterns.append(path("<str:code>/", views.area_dashboard, name="dashboard_area"))
