"""The TOTP second factor: optional for everyone, required for HQ roles when switched on."""

import re
import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.models import Role
from tests.conftest import PASSWORD
from tests.factories import UserFactory


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0 - offset * device.step, digits=device.digits)
    return f"{value:0{device.digits}d}"


def password_login(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.fixture
def superuser(divisions):
    return UserFactory(username="root", is_staff=True, is_superuser=True, role=Role.COUNTY, area_id="540102")


@pytest.mark.parametrize("persona", ["hq", "hq_viewer", "superuser"])
@override_settings(OTP_REQUIRED_FOR_HQ=True)
def test_an_hq_account_must_set_up_a_device_before_any_page(client, persona, request):
    user = request.getfixturevalue(persona)
    password_login(client, user.username)

    response = client.get(reverse("areas:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    # The admin is no way round it.
    assert client.get("/admin/").status_code == 302

    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in body
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', body).group(1)
    assert len(secret.replace(" ", "")) >= 32
    assert "必须启用两步验证" in body


@override_settings(OTP_REQUIRED_FOR_HQ=True)
def test_setting_up_a_device_needs_a_right_code(client, hq):
    password_login(client, "hq")
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=hq)

    wrong_code = "000000" if code_for(device) != "000000" else "111111"
    wrong = client.post(reverse("accounts:otp_setup"), {"token": wrong_code})
    assert wrong.status_code == 200
    assert "验证码不正确或已过期" in wrong.content.decode()
    assert client.get(reverse("areas:list")).status_code == 302

    # Right after a wrong code, even the right one must wait a moment.
    hurried = client.post(reverse("accounts:otp_setup"), {"token": code_for(device)})
    assert "验证码错误次数过多" in hurried.content.decode()
    time.sleep(1.1)

    right = client.post(reverse("accounts:otp_setup"), {"token": code_for(device), "next": "/areas/"})
    assert right.status_code == 302
    assert right["Location"] == "/areas/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("areas:list")).status_code == 200


@override_settings(OTP_REQUIRED_FOR_HQ=True)
def test_with_a_device_every_login_asks_for_a_code(client, hq):
    device = TOTPDevice.objects.create(user=hq, name="phone", confirmed=True)
    password_login(client, "hq")
    response = client.get(reverse("areas:list"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))

    bad = client.post(reverse("accounts:otp_verify"), {"token": "12ab56"})
    assert "请输入 6 位数字验证码" in bad.content.decode()

    ok = client.post(reverse("accounts:otp_verify") + "?next=/areas/", {"token": code_for(device)})
    assert ok["Location"] == "/areas/"
    assert client.get(reverse("areas:list")).status_code == 200


@override_settings(OTP_REQUIRED_FOR_HQ=True)
def test_a_code_cannot_be_used_twice(client, hq):
    device = TOTPDevice.objects.create(user=hq, name="phone", confirmed=True)
    code = code_for(device)
    password_login(client, "hq")
    assert client.post(reverse("accounts:otp_verify"), {"token": code}).status_code == 302
    client.post(reverse("logout"))

    password_login(client, "hq")
    replay = client.post(reverse("accounts:otp_verify"), {"token": code})
    assert replay.status_code == 200
    assert client.get(reverse("areas:list")).status_code == 302


@override_settings(OTP_REQUIRED_FOR_HQ=True)
def test_an_offsite_next_is_ignored(client, hq):
    device = TOTPDevice.objects.create(user=hq, name="phone", confirmed=True)
    password_login(client, "hq")
    response = client.post(
        reverse("accounts:otp_verify") + "?next=https://evil.example/", {"token": code_for(device)}
    )
    assert response["Location"] == reverse("home")


@override_settings(OTP_REQUIRED_FOR_HQ=True)
def test_county_staff_are_not_forced(client, county):
    password_login(client, "county")
    assert client.get(reverse("areas:list")).status_code == 200


@override_settings(OTP_REQUIRED_FOR_HQ=True)
def test_the_api_answers_403_instead_of_a_redirect(client, hq):
    password_login(client, "hq")
    response = client.get("/api/v1/")
    assert response.status_code == 403
    assert "两步验证" in response.json()["detail"]


@override_settings(OTP_REQUIRED_FOR_HQ=False)
def test_switched_off_hq_signs_in_with_a_password(client, hq):
    password_login(client, "hq")
    assert client.get(reverse("areas:list")).status_code == 200


@override_settings(OTP_REQUIRED_FOR_HQ=False)
def test_anyone_may_opt_in_and_is_then_asked_at_login(client, county):
    password_login(client, "county")
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=county)
    assert client.post(reverse("accounts:otp_setup"), {"token": code_for(device)}).status_code == 302
    client.post(reverse("logout"))

    password_login(client, "county")
    assert client.get(reverse("areas:list"))["Location"].startswith(reverse("accounts:otp_verify"))
    client.post(reverse("accounts:otp_verify"), {"token": code_for(device, offset=1)})
    assert client.get(reverse("areas:list")).status_code == 200


def test_signing_in_and_out_stays_reachable_while_a_code_is_owed(client, hq, settings):
    settings.OTP_REQUIRED_FOR_HQ = True
    password_login(client, "hq")
    assert client.get(reverse("accounts:otp_setup")).status_code == 200
    assert client.get("/static/css/app.css").status_code in (200, 404)  # never a redirect
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
