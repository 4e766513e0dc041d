"""Background jobs: nothing queued by a rolled-back transaction runs, and a broker
that is down gives the user a clear message instead of a lost job."""

import time

import pytest
from django.db import transaction

from organizations.jobs import JobQueueUnavailable, enqueue, enqueue_on_commit
from unionapp.celery import app, ping

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: a real refusal


@pytest.fixture
def broker_down():
    """Point the Celery app at a closed port, as when Redis is down."""
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=CLOSED_PORT_BROKER, task_always_eager=False)
    _forget_connections()
    yield
    app.conf.update(saved)
    _forget_connections()


def _forget_connections():
    # Celery pools broker connections and producers; drop them so the next
    # call connects to the broker now configured.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db
def test_redis_down_at_enqueue_gives_a_clear_message(broker_down):
    started = time.monotonic()
    with pytest.raises(JobQueueUnavailable) as refused, transaction.atomic():
        enqueue_on_commit(ping)
    assert "后台任务服务暂时不可用，任务未提交" in str(refused.value)
    assert time.monotonic() - started < 15  # the user is not left waiting for long


def test_redis_down_when_queueing_directly_gives_the_same_message(broker_down):
    with pytest.raises(JobQueueUnavailable):
        enqueue(ping)


def _processed(name: str) -> int:
    stats = app.control.inspect(timeout=2).stats() or {}
    return sum(worker.get("total", {}).get(name, 0) for worker in stats.values())


@pytest.mark.worker
def test_a_task_queued_in_a_rolled_back_transaction_never_runs(celery_worker_process):
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        enqueue_on_commit(ping)
        raise Abandoned

    # A committed task queued after it: the single worker takes tasks in order,
    # so once this one has run, the abandoned one would have run before it.
    with transaction.atomic():
        enqueue_on_commit(ping)
    deadline = time.monotonic() + 30
    while _processed("unionapp.ping") < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    assert _processed("unionapp.ping") == 1


@pytest.mark.django_db
def test_hq_starting_a_rollup_while_redis_is_down_is_told_so(broker_down, client_for, hq):
    from tests.reports.helpers import make_drive

    drive = make_drive()
    response = client_for(hq).post(f"/drives/{drive.year}/rollup/", {"period": "2015-B3"}, follow=True)
    assert response.status_code == 200
    assert "后台任务服务暂时不可用，任务未提交" in response.content.decode()
