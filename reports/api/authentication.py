"""API tokens that expire, stop with the account, and do not outlive the second factor.

DRF's TokenAuthentication with three more refusals, each a 401 with a message
a machine's operator can act on:
- the token is older than settings.API_TOKEN_DAYS (counted from its creation);
- the account is deactivated;
- the user's role needs the second factor (settings.OTP_REQUIRED_FOR_HQ) and the
  token was not issued behind it: a token works only while the user has a
  confirmed authenticator that existed when the token was issued. A token made
  before the requirement (or before the device) must be issued again on the
  token page, which needs the verified second factor; deleting a lost phone's
  device in the admin stops the user's token too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.API_TOKEN_DAYS)


def expires_at(token: Token) -> dt.datetime:
    return token.created + token_lifetime()


def is_expired(token: Token, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= expires_at(token)


def second_factor_required(user) -> bool:
    """As for the session (organizations.security.second_factor): HQ roles when the setting is on."""
    return bool(settings.OTP_REQUIRED_FOR_HQ and user.is_hq)


def issued_behind_second_factor(token: Token) -> bool:
    # Devices from before django-otp recorded creation times carry no date: count them as older.
    return TOTPDevice.objects.filter(
        Q(created_at__lte=token.created) | Q(created_at=None), user_id=token.user_id, confirmed=True
    ).exists()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token = Token.objects.select_related("user").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("API 令牌无效或已被撤销，请登录网页在“API 令牌”页面重新生成。")
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("该账号已停用，其 API 令牌不再有效。"))
        if is_expired(token):
            expired = timezone.localtime(expires_at(token)).strftime("%Y-%m-%d %H:%M")
            raise exceptions.AuthenticationFailed(
                _("API 令牌已于 %(expired)s 过期，请登录网页在“API 令牌”页面重新生成。")
                % {"expired": expired}
            )
        if second_factor_required(token.user) and not issued_behind_second_factor(token):
            raise exceptions.AuthenticationFailed(
                _("您的账号需要两步验证：请登录网页完成两步验证后，在“API 令牌”页面重新生成令牌。")
            )
        return (token.user, token)
