"""Login throttling: repeated failures lock a username, and an address, for a while.

Counters live in PostgreSQL (organizations.LoginThrottle), the store a login
needs anyway, so every web process shares them, they survive a restart, and a
Redis outage no longer stops anyone signing in (it answered every login with
a 500 while the counters were in the cache). A username is locked after
LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT_SECONDS; a client address
after LOGIN_FAILURE_LIMIT_PER_IP, because many usernames tried from one place
is guessing. While locked, the password is not even checked, so guessing
cannot continue. A successful login clears its username's counter only: the
address's counter stands, so holding one account does not reset the guessing
of others from the same place.

Why not django-axes (docs/security.md): its database handler has one failure
limit for every lockout parameter, and a success clears the failures of the
address as well as the username's.

Failures and lockouts are logged with the username and address, never the
password.
"""

import datetime as dt
import hashlib
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import LoginThrottle

logger = logging.getLogger("organizations.security")


@dataclass(frozen=True)
class Lockout:
    seconds: int

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.seconds / 60))
        return _("登录失败次数过多，已暂时锁定。请在 %(minutes)s 分钟后再试，或联系管理员。") % {
            "minutes": minutes
        }


def client_ip(request: HttpRequest | None) -> str:
    """The client's address; behind TRUSTED_PROXY_COUNT proxies, the one they saw."""
    if request is None:
        return ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(what: str, value: str) -> str:
    # Hashed so any username is a safe key; the same name in any case is one account.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"{what}:{digest}"


def _subjects(username: str, ip: str) -> list[tuple[str, str, int]]:
    subjects = [("user", username, settings.LOGIN_FAILURE_LIMIT)]
    if ip:
        subjects.append(("ip", ip, settings.LOGIN_FAILURE_LIMIT_PER_IP))
    return subjects


def lockout_for(username: str, ip: str) -> Lockout | None:
    """The lockout in force for this username or address, if any."""
    now = timezone.now()
    keys = [_key(what, value) for what, value, _limit in _subjects(username or "", ip)]
    until = LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now).aggregate(
        until=Max("locked_until")
    )
    if until["until"] is None:
        return None
    return Lockout(seconds=math.ceil((until["until"] - now).total_seconds()))


def record_failure(username: str, ip: str) -> Lockout | None:
    """Count a failed login; lock the username or address when it reaches its limit."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    now = timezone.now()
    expired = now - dt.timedelta(seconds=window)
    lockout = None
    with transaction.atomic():
        # Counters whose window and lock have both passed count for nothing: drop them here
        # rather than in a scheduled job (the table holds one row per recent failed subject).
        LoginThrottle.objects.filter(window_started__lte=expired).filter(
            Q(locked_until__isnull=True) | Q(locked_until__lte=now)
        ).delete()
        for what, value, limit in _subjects(username or "", ip):
            counter, created = LoginThrottle.objects.select_for_update().get_or_create(
                key=_key(what, value), defaults={"failures": 1, "window_started": now}
            )
            if not created:
                if counter.window_started <= expired:
                    counter.failures, counter.window_started = 1, now
                else:
                    counter.failures += 1
            failures = counter.failures
            if failures >= limit:
                counter.failures, counter.window_started = 0, now
                counter.locked_until = now + dt.timedelta(seconds=window)
                lockout = Lockout(seconds=window)
                logger.warning("login locked: %s=%s after %d failures for %ds", what, value, failures, window)
            counter.save()
    logger.info("login failed: username=%s ip=%s", username, ip)
    return lockout


def record_success(username: str) -> None:
    LoginThrottle.objects.filter(key=_key("user", username or "")).delete()
