"""Queueing background jobs from requests.

`enqueue_on_commit` queues a Celery task once the surrounding transaction
commits (a rolled-back transaction queues nothing), and turns a broker that is
down into a JobQueueUnavailable whose message a clerk can act on, instead of
a lost job or a 500. Tasks receive ids only and re-check scope themselves.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError


class JobQueueUnavailable(Exception):
    def __init__(self):
        super().__init__(_("后台任务服务暂时不可用，任务未提交。请稍后重试，或联系管理员检查 Redis。"))


def enqueue(task, *args, **kwargs):
    """Queue now (outside a transaction or when the caller needs the AsyncResult)."""
    try:
        return task.apply_async(args=args, kwargs=kwargs, retry=False)
    except OperationalError as error:
        raise JobQueueUnavailable from error


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue after the current transaction commits; nothing is queued if it rolls back.

    The broker is checked first, so a Redis outage is reported to the user
    while their request can still say so.
    """
    check_broker()
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))


def check_broker() -> None:
    from unionapp.celery import app

    if app.conf.task_always_eager:
        return
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except OperationalError as error:
        raise JobQueueUnavailable from error
