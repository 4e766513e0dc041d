"""API tokens expire, die with the account, and do not sidestep the second factor.

Every request here is a real request through the API's authentication
(reports.api.authentication.ExpiringTokenAuthentication) against the database.
"""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reports.api.authentication import ExpiringTokenAuthentication

pytestmark = pytest.mark.django_db

URL = "/api/v1/areas/"


def call(key: str):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get(URL)


def issued(user, days_ago: float = 0) -> Token:
    token = Token.objects.create(user=user)
    created = timezone.now() - dt.timedelta(days=days_ago)
    Token.objects.filter(pk=token.pk).update(created=created)
    token.created = created
    return token


def test_a_token_works_until_its_lifetime_is_over(county):
    assert call(issued(county, days_ago=89.9).key).status_code == 200


def test_an_expired_token_answers_401_saying_so(county):
    token = issued(county, days_ago=90.01)
    response = call(token.key)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    expired = timezone.localtime(token.created + dt.timedelta(days=90)).strftime("%Y-%m-%d %H:%M")
    assert response.json()["detail"] == (f"API 令牌已于 {expired} 过期，请登录网页在“API 令牌”页面重新生成。")


def test_the_lifetime_is_a_setting(county, settings):
    token = issued(county, days_ago=2)
    settings.API_TOKEN_DAYS = 1
    assert call(token.key).status_code == 401
    settings.API_TOKEN_DAYS = 3
    assert call(token.key).status_code == 200


def test_the_default_lifetime_is_90_days():
    from unionapp import settings as project_settings

    assert project_settings.API_TOKEN_DAYS == 90


def test_a_deactivated_users_token_stops_working(county):
    token = issued(county)
    assert call(token.key).status_code == 200
    county.is_active = False
    county.save(update_fields=["is_active"])
    response = call(token.key)
    assert response.status_code == 401
    assert "账号已停用" in response.json()["detail"]


def test_an_unknown_token_answers_401(county):
    response = call("0" * 40)
    assert response.status_code == 401
    assert "无效或已被撤销" in response.json()["detail"]


@override_settings(OTP_REQUIRED_FOR_HQ=True)
def test_an_hq_token_issued_before_the_second_factor_was_set_up_stops_working(hq):
    old = issued(hq, days_ago=10)
    TOTPDevice.objects.create(user=hq, name="authenticator", confirmed=True)
    response = call(old.key)
    assert response.status_code == 401
    assert "两步验证" in response.json()["detail"]


@override_settings(OTP_REQUIRED_FOR_HQ=True)
def test_an_hq_token_issued_behind_the_second_factor_works_until_the_device_is_deleted(hq):
    device = TOTPDevice.objects.create(user=hq, name="authenticator", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    token = issued(hq, days_ago=1)
    assert call(token.key).status_code == 200
    device.delete()  # a lost phone: the admin deletes the device
    assert call(token.key).status_code == 401


@override_settings(OTP_REQUIRED_FOR_HQ=False)
def test_without_the_requirement_an_hq_token_needs_no_device(hq):
    assert call(issued(hq).key).status_code == 200


def test_a_county_token_needs_no_device_even_when_hq_needs_one(county, settings):
    settings.OTP_REQUIRED_FOR_HQ = True
    assert call(issued(county).key).status_code == 200


def _api_callbacks(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _api_callbacks(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and prefix.startswith("api/"):
            yield prefix + str(entry.pattern), entry.callback


def test_every_api_route_uses_the_expiring_token_check():
    """DRF's settings still name the plain TokenAuthentication as a default: no route may fall back to it."""
    routes = list(_api_callbacks(get_resolver().url_patterns))
    assert len(routes) >= 6
    for route, callback in routes:
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        initkwargs = getattr(callback, "initkwargs", {}) or {}
        classes = initkwargs.get("authentication_classes") or getattr(view, "authentication_classes", None)
        assert classes, route
        tokens = [c for c in classes if issubclass(c, TokenAuthentication)]
        assert tokens == [ExpiringTokenAuthentication], route
