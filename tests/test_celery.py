import pytest

from unionapp.celery import ping


@pytest.mark.worker
def test_a_task_runs_on_a_real_worker(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=30) == "pong"
