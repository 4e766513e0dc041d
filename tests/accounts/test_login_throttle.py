"""Login throttling: repeated failures lock the username, or the address, for a while."""

import logging
import socket
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import UserFactory


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _fail(client, username, times, **extra):
    for _ in range(times):
        response = _login(client, username, "wrong-password", **extra)
    return response


def test_it_locks_a_username_after_five_failures(client, county):
    response = _fail(client, "county", 4)
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()

    response = _fail(client, "county", 1)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "15 分钟后再试" in response.content.decode()

    # While locked, even the right password is refused, and the wait is shown.
    response = _login(client, "county", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_names_the_remaining_wait(client, county, settings):
    settings.LOGIN_LOCKOUT_SECONDS = 150
    _fail(client, "county", 5)
    assert "3 分钟后再试" in _login(client, "county", PASSWORD).content.decode()


def test_the_lock_expires(client, county, settings):
    settings.LOGIN_LOCKOUT_SECONDS = 1
    _fail(client, "county", 5)
    time.sleep(1.2)
    response = _login(client, "county", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(county.pk)


def test_the_lock_is_per_username(client, county, other_county):
    _fail(client, "county", 5)
    response = _login(Client(), "other_county", PASSWORD)
    assert response.status_code == 302


def test_a_username_in_other_case_is_the_same_account_for_throttling(client, county):
    _fail(client, "COUNTY", 5)
    assert _login(client, "county", PASSWORD).status_code == 429


def test_a_success_clears_the_failures(client, county):
    _fail(client, "county", 4)
    assert _login(client, "county", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert _fail(client, "county", 4).status_code == 200


def test_many_usernames_from_one_address_lock_the_address(client, county, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_IP = 6
    for name in ("zhaxi", "dawa", "ciren", "pingcuo", "basang", "lamu"):
        _login(client, name, "guess-123456")
    response = _login(client, "county", PASSWORD)
    assert response.status_code == 429
    # Another address is not affected.
    other = _login(Client(), "county", PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1, LOGIN_FAILURE_LIMIT_PER_IP=3)
def test_behind_the_proxy_the_forwarded_address_is_throttled(client, county):
    for name in ("zhaxi", "dawa", "ciren"):
        _login(client, name, "guess-123456", HTTP_X_FORWARDED_FOR="203.0.113.5")
    locked = _login(client, "county", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    # The proxy's own address (REMOTE_ADDR) is shared by everyone and is not what is locked.
    assert _login(Client(), "county", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302


def test_the_admin_login_is_throttled_too(client, divisions):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "root", "password": "wrong-password"})
    response = client.post(
        reverse("admin:login") + "?next=/admin/", {"username": "root", "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, not a redirect into the admin
    assert "_auth_user_id" not in client.session


def test_failures_and_lockouts_are_logged_without_the_password(client, county, caplog):
    with caplog.at_level(logging.INFO, logger="organizations.security"):
        _fail(client, "county", 5)
    text = caplog.text
    assert "login failed: username=county" in text
    assert "login locked: user=county" in text
    assert "wrong-password" not in text


@pytest.mark.parametrize("password", ["Zhaxi-201", "1234567890123", "password123", "county12345"])
def test_passwords_follow_the_rules(client_for, county, password):
    """At least ten characters, not all digits, not common, not like the username."""
    county.first_name, county.email = "county", "county-staff@example.org"
    county.save()
    response = client_for(county).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    county.refresh_from_db()
    assert county.check_password(PASSWORD)


def _dead_redis() -> str:
    """A Redis address nothing listens on: a port just freed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_with_the_cache_unreachable_sign_in_still_works_and_still_locks(client, county, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _dead_redis()}
    }
    assert _login(client, "county", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    response = _fail(Client(), "county", 5)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_the_counts_outlive_the_cache(client, county):
    """Failures are kept where the login's own data is: clearing (or losing) Redis unlocks nobody."""
    from django.core.cache import cache

    _fail(client, "county", 5)
    cache.clear()
    assert _login(client, "county", PASSWORD).status_code == 429
