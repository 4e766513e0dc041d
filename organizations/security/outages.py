"""A service the platform depends on is down: answer a clear page, never a traceback.

PostgreSQL (the system of record), the Redis cache and the Celery broker can each be
unreachable for a while. Sign-in and every page that only reads and writes PostgreSQL keep
working through a Redis outage (nothing on them needs the cache); what truly needs a service
that is down answers 503 with a page that says which one, that nothing was saved, and to try
again (with Retry-After). Nothing is held in the process: once the service is back the next
request works, with no restart (a dead database connection is replaced at the next request,
CONN_HEALTH_CHECKS).

`OutageMiddleware` turns such an exception raised by a view into that page; `server_error`
(the project's handler500) does the same for one raised elsewhere (a middleware saving the
session to a database that went away) and otherwise answers a plain 500 page.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("organizations.outages")

RETRY_AFTER_SECONDS = 30


def outage_of(exception: BaseException | None) -> str | None:
    """Which service an exception says is down: "database", "broker", "cache" or None."""
    if isinstance(exception, DatabaseOperationalError | DatabaseInterfaceError):
        return "database"
    if isinstance(exception, BrokerOperationalError):
        return "broker"
    if isinstance(exception, RedisConnectionError | RedisTimeoutError):
        return "cache"
    return None


def _messages() -> dict[str, str]:
    return {
        "database": _("数据库暂时无法连接，本次操作没有保存。请稍后重试；如持续出现，请联系管理员。"),
        "broker": _("后台任务服务暂时不可用，任务未提交。请稍后重试，或联系管理员检查 Redis。"),
        "cache": _("缓存服务（Redis）暂时不可用，本功能暂停使用，已保存的数据不受影响。请稍后重试。"),
    }


def outage_response(request: HttpRequest, service: str) -> HttpResponse:
    message = _messages()[service]
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse({"detail": message, "service": service}, status=503)
    else:
        # Rendered without the request: the context processors would ask the database.
        content = render_to_string("503.html", {"message": message, "service": service})
        response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        service = outage_of(exception)
        if service is None:
            return None
        logger.warning(
            "%s unreachable: %s %s answered 503 (%s: %s)",
            service,
            request.method,
            request.path,
            type(exception).__name__,
            exception,
        )
        return outage_response(request, service)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage raised outside a view gets the outage page; anything else a plain 500."""
    import sys

    service = outage_of(sys.exc_info()[1])
    if service is not None:
        return outage_response(request, service)
    return HttpResponse(render_to_string("500.html"), status=500)
