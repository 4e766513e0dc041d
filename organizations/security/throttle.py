"""Login throttling: repeated failures lock a username, and an address, for a while.

Counters live in the Django cache (Redis in production, so every web process
shares them; local memory in the demo). A username is locked after
LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT_SECONDS; a client address
after LOGIN_FAILURE_LIMIT_PER_IP, because many usernames tried from one place
is guessing. While locked, the password is not even checked, so guessing
cannot continue. A successful login clears its username's counter.

Failures and lockouts are logged with the username and address, never the
password.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

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


def _key(kind: str, what: str, value: str) -> str:
    # Hashed so any username is a safe cache key; the same name in any case is one account.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login:{kind}:{what}:{digest}"


def _subjects(username: str, ip: str) -> list[tuple[str, str, int]]:
    subjects = [("user", username, settings.LOGIN_FAILURE_LIMIT)]
    if ip:
        subjects.append(("ip", ip, settings.LOGIN_FAILURE_LIMIT_PER_IP))
    return subjects


def lockout_for(username: str, ip: str) -> Lockout | None:
    """The lockout in force for this username or address, if any."""
    now = time.time()
    keys = [_key("lock", what, value) for what, value, _limit in _subjects(username or "", ip)]
    until = max((v for v in cache.get_many(keys).values() if v), default=None)
    if until is None or until <= now:
        return None
    return Lockout(seconds=math.ceil(until - now))


def record_failure(username: str, ip: str) -> Lockout | None:
    """Count a failed login; lock the username or address when it reaches its limit."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    lockout = None
    for what, value, limit in _subjects(username or "", ip):
        counter = _key("fail", what, value)
        cache.add(counter, 0, timeout=window)
        try:
            failures = cache.incr(counter)
        except ValueError:  # expired between add and incr
            cache.set(counter, 1, timeout=window)
            failures = 1
        if failures >= limit:
            cache.set(_key("lock", what, value), time.time() + window, timeout=window)
            cache.delete(counter)
            lockout = Lockout(seconds=window)
            logger.warning("login locked: %s=%s after %d failures for %ds", what, value, failures, window)
    logger.info("login failed: username=%s ip=%s", username, ip)
    return lockout


def record_success(username: str) -> None:
    cache.delete(_key("fail", "user", username or ""))
