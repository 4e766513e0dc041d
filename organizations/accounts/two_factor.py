"""The TOTP second factor: setting up an authenticator app, and entering its code.

Setup shows a QR code (segno, as an SVG data URI so the CSP needs no
exception) and the secret for typing in by hand; the device counts only once
a code from it has been entered. Verification accepts a code from any of the
user's confirmed devices; django-otp slows down repeated wrong codes.
"""

import base64
import logging
from urllib.parse import urlencode

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.security.second_factor import HAS_DEVICE_KEY

logger = logging.getLogger("organizations.security")

DEVICE_NAME = "authenticator"
WRONG_CODE = _("验证码不正确或已过期，请输入手机上显示的最新 6 位数字。")
TOO_MANY = _("验证码错误次数过多，请等待几秒后再输入最新的验证码。")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6 位验证码"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("请输入 6 位数字验证码。")},
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _grouped_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _check_code(devices, token: str):
    """(the device that accepts token, None) or (None, why not). Wrong codes slow down further tries."""
    allowed = [device for device in devices if device.verify_is_allowed()[0]]
    if not allowed:
        return None, TOO_MANY
    with transaction.atomic():
        for device in allowed:
            if device.verify_token(token):
                return device, None
    return None, WRONG_CODE


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next_url(request)
    if user_has_device(user, confirmed=True):
        return redirect(next_url if user.is_verified() else _with_next("accounts:otp_verify", next_url))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, confirmed=False
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accepted, error = _check_code([device], form.cleaned_data["token"])
        if accepted is not None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            request.session[HAS_DEVICE_KEY] = True
            logger.info("second factor set up: username=%s", user.get_username())
            messages.success(request, _("两步验证已启用。以后每次登录都需要输入手机上的验证码。"))
            return redirect(next_url)
        form.add_error("token", error)
    context = {
        "form": form,
        "next": next_url,
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
        "secret": _grouped_secret(device),
        "required": user.is_hq and settings.OTP_REQUIRED_FOR_HQ,
    }
    return render(request, "registration/otp_setup.html", context)


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next_url(request)
    if not user_has_device(user, confirmed=True):
        return redirect(_with_next("accounts:otp_setup", next_url))
    if user.is_verified():
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices = list(devices_for_user(user, confirmed=True))
        accepted, error = _check_code(devices, form.cleaned_data["token"])
        if accepted is not None:
            django_otp.login(request, accepted)
            return redirect(next_url)
        logger.warning("second factor failed: username=%s", user.get_username())
        form.add_error("token", error)
    return render(request, "registration/otp_verify.html", {"form": form, "next": next_url})
