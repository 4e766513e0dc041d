"""Dashboards under /dashboard/ (no namespace: the menu and the home page use `dashboard`)."""

from django.urls import path

from reports.api.token_page import api_token

urlpatterns = [
    path("api-token/", api_token, name="api_token"),
]
