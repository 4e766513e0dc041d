"""The page where a signed-in user issues, replaces and revokes their own API token."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from organizations.models import AuditAction, AuditEntry
from tests.accounts.test_second_factor import code_for, password_login

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/api-token/"


def api_with(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_it_issues_a_token_shown_once_that_then_works(client_for, county):
    client = client_for(county)
    assert "您还没有令牌" in client.get(PAGE).content.decode()
    response = client.post(PAGE, {"action": "issue"})
    key = Token.objects.get(user=county).key
    assert key in response.content.decode()
    assert key not in client.get(PAGE).content.decode()
    assert api_with(key).get("/api/v1/areas/540102/").status_code == 200


def test_issuing_again_revokes_the_old_token(client_for, hq_viewer):
    client = client_for(hq_viewer)
    client.post(PAGE)
    old = Token.objects.get(user=hq_viewer).key
    client.post(PAGE, {"action": "issue"})
    new = Token.objects.get(user=hq_viewer).key
    assert new != old
    assert api_with(old).get("/api/v1/areas/").status_code == 401
    assert api_with(new).get("/api/v1/areas/").status_code == 200


def test_it_requires_signing_in(client, divisions):
    response = client.post(PAGE)
    assert response.status_code == 302
    assert Token.objects.count() == 0


def test_the_page_shows_when_the_token_was_issued_and_when_it_expires(client_for, county, settings):
    settings.API_TOKEN_DAYS = 30
    client = client_for(county)
    client.post(PAGE, {"action": "issue"})
    token = Token.objects.get(user=county)
    issued = dt.datetime(2025, 4, 30, 17, 5, tzinfo=dt.UTC)  # 2025-05-01 01:05 in Beijing
    Token.objects.filter(pk=token.pk).update(created=issued)

    body = client.get(PAGE).content.decode()
    assert "2025-05-01 01:05" in body  # issued, in Beijing time
    assert "2025-05-31 01:05" in body  # 30 days later
    assert "30 天内有效" in body
    assert "已过期" in body  # that was long ago
    assert "撤销令牌" in body


def test_a_fresh_token_is_not_shown_as_expired(client_for, county):
    client = client_for(county)
    client.post(PAGE, {"action": "issue"})
    body = client.get(PAGE).content.decode()
    expires = timezone.localtime(Token.objects.get(user=county).created + dt.timedelta(days=90))
    assert expires.strftime("%Y-%m-%d %H:%M") in body
    assert "已过期" not in body


def test_revoking_deletes_the_token_and_it_stops_working(client_for, county):
    client = client_for(county)
    client.post(PAGE, {"action": "issue"})
    key = Token.objects.get(user=county).key
    response = client.post(PAGE, {"action": "revoke"}, follow=True)
    assert response.status_code == 200
    assert "API 令牌已撤销" in response.content.decode()
    assert "您还没有令牌" in response.content.decode()
    assert not Token.objects.filter(user=county).exists()
    refused = api_with(key).get("/api/v1/areas/")
    assert refused.status_code == 401
    assert "无效或已被撤销" in refused.json()["detail"]


def test_revoking_and_issuing_need_a_post_with_the_csrf_token(county):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(county)
    client.post(PAGE, {"action": "issue"})
    assert not Token.objects.filter(user=county).exists()
    Token.objects.create(user=county)
    assert client.post(PAGE, {"action": "revoke"}).status_code == 403
    assert client.get(PAGE, {"action": "revoke"}).status_code == 200
    assert Token.objects.filter(user=county).exists()


def test_issuing_and_revoking_are_in_the_audit_trail_without_the_key(client_for, county):
    client = client_for(county)
    client.post(PAGE, {"action": "issue"})
    first = Token.objects.get(user=county).key
    client.post(PAGE, {"action": "issue"})
    second = Token.objects.get(user=county).key
    client.post(PAGE, {"action": "revoke"})

    entries = list(AuditEntry.objects.filter(user=county, object_id=str(county.pk)).order_by("pk"))
    assert [(e.action, e.changes["api_token"]) for e in entries] == [
        (AuditAction.CREATE, "issued"),
        (AuditAction.CREATE, "issued"),
        (AuditAction.DELETE, "revoked"),
    ]
    assert [e.changes["replaced"] for e in entries[:2]] == [False, True]
    assert all("expires" in e.changes and "created" in e.changes for e in entries)
    for entry in entries:
        stored = f"{entry.changes} {entry.object_repr} {entry.object_id}"
        assert first not in stored and second not in stored


@override_settings(OTP_REQUIRED_FOR_HQ=True)
def test_hq_issues_a_token_only_after_entering_a_code(client, hq):
    password_login(client, "hq")
    # Without a device the middleware sends HQ to set one up; nothing is issued.
    response = client.post(PAGE, {"action": "issue"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    assert not Token.objects.filter(user=hq).exists()

    device = TOTPDevice.objects.create(user=hq, name="authenticator", confirmed=True)
    client.logout()
    password_login(client, "hq")
    response = client.post(PAGE, {"action": "issue"})
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert not Token.objects.filter(user=hq).exists()

    verified = client.post(reverse("accounts:otp_verify"), {"token": code_for(device), "next": PAGE})
    assert verified.status_code == 302
    response = client.post(PAGE, {"action": "issue"})
    assert response.status_code == 200
    key = Token.objects.get(user=hq).key
    assert key in response.content.decode()
    assert api_with(key).get("/api/v1/areas/").status_code == 200


def test_a_device_added_since_sign_in_is_asked_for_before_issuing(client_for, county):
    """The session noted "no device" at sign-in; the page checks the database, not the note."""
    client = client_for(county)
    TOTPDevice.objects.create(user=county, name="authenticator", confirmed=True)
    response = client.post(PAGE, {"action": "issue"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert not Token.objects.filter(user=county).exists()
