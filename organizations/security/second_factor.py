"""The second factor (TOTP, django-otp): required for HQ roles, optional for others.

HQ accounts see every county's members, so a stolen password alone must not
open them. With settings.OTP_REQUIRED_FOR_HQ on (production's default), an
HQ user (hq, hq_viewer or superuser) who has not verified a device this
session is sent to set one up, or to enter a code, before any other page.
Anyone who has set up a device is asked for a code at each login.

Whether the account has a device is noted in the session at login, so
ordinary requests cost no extra query.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

HAS_DEVICE_KEY = "security_has_otp_device"
# Pages a user who still owes a code can reach: signing in and out, the
# second-factor pages themselves, the language switch and static files.
EXEMPT_URL_NAMES = ("login", "logout", "accounts:otp_setup", "accounts:otp_verify", "set_language")


@receiver(user_logged_in, dispatch_uid="security_note_otp_device")
def note_device_at_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_KEY] = user_has_device(user, confirmed=True)


def second_factor_step(request: HttpRequest) -> str | None:
    """The URL name the user must visit first, or None when they may go on."""
    user = request.user
    if not user.is_authenticated:
        return None
    has_device = request.session.get(HAS_DEVICE_KEY)
    if has_device is None:  # a session from before this check existed
        has_device = user_has_device(user, confirmed=True)
        request.session[HAS_DEVICE_KEY] = has_device
    if has_device:
        return None if user.is_verified() else "accounts:otp_verify"
    if settings.OTP_REQUIRED_FOR_HQ and user.is_hq:
        return "accounts:otp_setup"
    return None


class SecondFactorMiddleware:
    """Install after django_otp.middleware.OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._is_exempt(request.path):
            step = second_factor_step(request)
            if step is not None:
                return self._send_to(step, request)
        return self.get_response(request)

    def _is_exempt(self, path: str) -> bool:
        if self._exempt_paths is None:
            self._exempt_paths = tuple(reverse(name) for name in EXEMPT_URL_NAMES)
        return path in self._exempt_paths or path.startswith((settings.STATIC_URL, settings.MEDIA_URL))

    def _send_to(self, step: str, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("请先在网页上完成两步验证。")}, status=403)
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
