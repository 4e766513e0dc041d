"""The Django admin shows rows without scope, so only superusers may use it."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import reverse

from organizations.models import Role
from tests.factories import UserFactory


def changelists():
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


@pytest.fixture
def staff_clerk(divisions):
    """A county clerk someone gave the staff flag and every permission."""
    clerk = UserFactory(username="staff_clerk", role=Role.COUNTY, area_id="540102", is_staff=True)
    clerk.user_permissions.set(Permission.objects.all())
    return clerk


def test_staff_who_are_not_superusers_cannot_use_the_admin(client_for, staff_clerk):
    client = client_for(staff_clerk)
    assert client.get("/admin/").status_code == 302
    for url in changelists():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("persona", ["hq", "hq_viewer", "county"])
def test_ordinary_accounts_cannot_use_the_admin(client_for, persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/admin/").status_code == 302


@override_settings(OTP_REQUIRED_FOR_HQ=False)
def test_a_superuser_can(client_for, divisions):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for(root)
    for url in changelists():
        assert client.get(url).status_code == 200, url


@override_settings(OTP_REQUIRED_FOR_HQ=True)
def test_a_superuser_needs_the_second_factor_for_the_admin_too(client_for, divisions):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = client_for(root).get("/admin/")
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
