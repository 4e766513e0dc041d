"""Join links, the public form's bot protection, and QR codes.

A union's join link carries a token signed with the project's secret, so it
cannot be guessed from the union's id, and needs no table. The public form
carries a signed timestamp: a submission faster than MIN_FILL_SECONDS (a
script) or older than MAX_FORM_AGE is refused, as is one that fills the
hidden honeypot field. Each client address gets ATTEMPTS_PER_HOUR tries,
counted in the cache (Redis in production, shared by every web process); with
the cache down the form stays open and the outage is logged.
"""

from __future__ import annotations

import logging
import time

import segno
from django.core import signing
from django.core.cache import cache

from organizations.models import Union

logger = logging.getLogger(__name__)

JOIN_SALT = "members.join-link"
FORM_SALT = "members.join-form"
VERIFY_SALT = "members.transfer-verify"
MIN_FILL_SECONDS = 3
MAX_FORM_AGE = 2 * 3600
ATTEMPTS_PER_HOUR = 10


def join_token(union: Union) -> str:
    return signing.Signer(salt=JOIN_SALT).sign(str(union.pk)).replace(":", ".")


def union_for_token(token: str) -> Union | None:
    try:
        pk = signing.Signer(salt=JOIN_SALT).unsign(token.replace(".", ":"))
    except signing.BadSignature:
        return None
    return Union.objects.filter(pk=pk, dissolved_on__isnull=True).first()


def verify_code(number: str) -> str:
    """The check that lets the certificate's QR code open its public verify page."""
    return signing.Signer(salt=VERIFY_SALT).signature(number)[:16]


def verify_code_ok(number: str, code: str) -> bool:
    return signing.constant_time_compare(verify_code(number), code)


def form_started_token() -> str:
    return signing.dumps(int(time.time()), salt=FORM_SALT)


def form_started_ok(token: str) -> bool:
    try:
        started = signing.loads(token, salt=FORM_SALT, max_age=MAX_FORM_AGE)
    except signing.BadSignature:
        return False
    return time.time() - int(started) >= MIN_FILL_SECONDS


def client_address(request) -> str:
    # REMOTE_ADDR is the proxy's view of the client (production runs behind one
    # that sets it); X-Forwarded-For is not trusted, a client could set it.
    return request.META.get("REMOTE_ADDR", "unknown")


def allow_attempt(address: str) -> bool:
    """May this address submit the public form now? ATTEMPTS_PER_HOUR tries an hour.

    When the cache cannot be reached the form stays open (and the outage is logged):
    losing the throttle for a while costs less than turning workers away with an
    error page, and the signed timestamp and honeypot still stop scripts."""
    key = f"members:join-attempts:{address}"
    try:
        cache.add(key, 0, 3600)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, 3600)
            count = 1
    except Exception:  # any cache backend's failure: redis-py, memcached and file errors differ
        logger.warning("Join form throttle: the cache is unreachable, the form stays open", exc_info=True)
        return True
    return count <= ATTEMPTS_PER_HOUR


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data: URI (the CSP allows img-src data:)."""
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)
