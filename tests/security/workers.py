"""Real Celery worker processes that a test can kill and start again.

Like tests/conftest.py's `celery_worker_process`, but a test may hold
several in turn: `start_worker()` returns the process once it answers a ping,
`kill()` sends SIGKILL (no warm shutdown, no chance to acknowledge), and the
broker's visibility timeout is shortened, and its sweep for lost tasks run every
second (tests/security/worker_app.py), so the next worker gets the killed
worker's unacknowledged task back within seconds.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.db import connection

from tests.conftest import ROOT, storage_root

VISIBILITY_TIMEOUT = 3  # seconds before an unacknowledged task is given to another worker


def worker_env() -> dict[str, str]:
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    db = settings.DATABASES["default"]
    if not broker or db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError(
            "Worker tests need PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (make test does)."
        )
    env = dict(os.environ)
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
        ),
        CELERY_BROKER_URL=broker,
        CELERY_RESULT_BACKEND=broker,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        PERSONAL_DATA_KEY=settings.PERSONAL_DATA_KEY,
        MEDIA_ROOT=storage_root(),
    )
    env.setdefault("SECRET_KEY", settings.SECRET_KEY)
    return env


def use_short_visibility_timeout() -> dict:
    """The producer's side of the same setting (the test process queues the task)."""
    from unionapp.celery import app

    saved = dict(app.conf.broker_transport_options or {})
    app.conf.broker_transport_options = {**saved, "visibility_timeout": VISIBILITY_TIMEOUT}
    return saved


def start_worker(
    queues: str = "default,imports,rollups,exports", *, beat_schedule: str | None = None, **env: str
) -> subprocess.Popen:
    """A worker on `queues`; with `beat_schedule` (a file path) it runs beat too (`-B`), as a
    deployment's beat service would, so the stalled-job sweep runs on its own schedule.
    Keyword arguments are environment variables (settings) for the worker."""
    from unionapp.celery import app

    beat = ["-B", "--schedule", beat_schedule] if beat_schedule else []
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.security.worker_app",  # the project's app, sweeping for lost tasks every second
            "worker",
            "-Q",
            queues,
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"kill-test-{time.monotonic_ns()}@%h",
            *beat,
        ],
        cwd=ROOT,
        env={**worker_env(), **env},
        start_new_session=True,
    )
    app.conf.update(task_always_eager=False)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and worker.poll() is None:
        with contextlib.suppress(Exception):  # the broker may not accept yet
            replies = app.control.ping(timeout=1.0) or []
            if any(name.startswith("kill-test-") for reply in replies for name in reply):
                return worker
    stop(worker)
    raise RuntimeError("The Celery worker did not start")


def kill(worker: subprocess.Popen) -> None:
    """SIGKILL: the worker dies mid-task without acknowledging it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill(worker)


def wait_until(condition, *, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
