"""The page where a signed-in user issues, replaces or revokes their own API token.

The token carries the user's own scope and role, no more, and expires
settings.API_TOKEN_DAYS after it is issued (reports.api.authentication). It
is shown once, right after it is issued; the page then shows when it was
issued and when it expires. Issuing again replaces it; revoking deletes it.
Both are POSTs (CSRF-protected) and go to the audit trail, without the key.

Issuing needs the same verified second factor the session needs: a user who
has an authenticator, or whose role requires one (OTP_REQUIRED_FOR_HQ), must
have entered a code in this session. The middleware already sends such a user
to the second-factor pages first; the check is repeated here, from the
database rather than the session's note, because a token outlives the session.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device
from rest_framework.authtoken.models import Token

from organizations import audit
from organizations.models import AuditAction
from organizations.permissions import Perm, require
from reports.api.authentication import expires_at, is_expired, second_factor_required


def second_factor_step(user) -> str | None:
    """The second-factor page the user must pass before issuing a token, or None."""
    if user_has_device(user, confirmed=True):
        return None if user.is_verified() else "accounts:otp_verify"
    if second_factor_required(user):
        return "accounts:otp_setup"
    return None


def _dates(token: Token) -> dict[str, str]:
    return {
        "created": timezone.localtime(token.created).isoformat(timespec="seconds"),
        "expires": timezone.localtime(expires_at(token)).isoformat(timespec="seconds"),
    }


def _issue(request: HttpRequest) -> Token:
    with transaction.atomic():
        replaced = Token.objects.filter(user=request.user).first()
        if replaced is not None:
            replaced.delete()
        token = Token.objects.create(user=request.user)
        audit.record(
            user=request.user,
            action=AuditAction.CREATE,
            obj=request.user,
            changes={"api_token": "issued", "replaced": replaced is not None, **_dates(token)},
        )
    return token


def _revoke(request: HttpRequest) -> bool:
    with transaction.atomic():
        token = Token.objects.filter(user=request.user).first()
        if token is None:
            return False
        token.delete()
        audit.record(
            user=request.user,
            action=AuditAction.DELETE,
            obj=request.user,
            changes={"api_token": "revoked", **_dates(token)},
        )
    return True


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    issued = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if _revoke(request):
                messages.success(request, _("API 令牌已撤销，使用它的系统将无法再读取数据。"))
            return redirect("api_token")
        step = second_factor_step(request.user)
        if step is not None:
            messages.error(request, _("生成 API 令牌前，请先完成两步验证。"))
            next_url = reverse("api_token")
            return redirect(f"{reverse(step)}?{urlencode({'next': next_url})}")
        issued = _issue(request)
    existing = issued or Token.objects.filter(user=request.user).first()
    context = {
        "issued_key": issued.key if issued else None,
        "existing": existing,
        "expires": expires_at(existing) if existing else None,
        "expired": is_expired(existing) if existing else False,
        "token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "dashboards/api_token.html", context)
