"""Shared fixtures: the area tree, a persona for every role, a real Celery worker.

Personas follow DESIGN's roles. `county` works in Chengguan (540102) under
Lhasa (540100); `other_county` in Doilungdêqên (540103), also under Lhasa;
`other_prefecture` in Shigatse (540200).
"""

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from organizations.models import Area, Role
from organizations.services.divisions import BUNDLED_DIVISIONS, load_divisions
from tests.factories import UnionFactory, UserFactory

PASSWORD = "correct-horse-battery"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def divisions(db):
    load_divisions(BUNDLED_DIVISIONS.read_text(encoding="utf-8"))
    # A township and a village under each of two Lhasa counties.
    for county in ("540102", "540103"):
        Area(code=f"{county}001", name_zh=f"{county}测试街道", level="township", parent_id=county).save()
        Area(
            code=f"{county}001201", name_zh=f"{county}测试村", level="village", parent_id=f"{county}001"
        ).save()


def _persona(role, username, **kwargs):
    return UserFactory(username=username, role=role, **kwargs)


@pytest.fixture
def county(divisions):
    return _persona(Role.COUNTY, "county", area_id="540102")


@pytest.fixture
def other_county(divisions):
    return _persona(Role.COUNTY, "other_county", area_id="540103")


@pytest.fixture
def prefecture(divisions):
    return _persona(Role.PREFECTURE, "prefecture", area_id="540100")


@pytest.fixture
def other_prefecture(divisions):
    return _persona(Role.PREFECTURE, "other_prefecture", area_id="540200")


@pytest.fixture
def federation(divisions):
    return _persona(Role.FEDERATION, "federation")


@pytest.fixture
def union_staff(divisions):
    return _persona(Role.UNION, "union_staff", union=UnionFactory(area_id="540102"))


@pytest.fixture
def hq(divisions):
    return _persona(Role.HQ, "hq")


@pytest.fixture
def hq_viewer(divisions):
    return _persona(Role.HQ_VIEWER, "hq_viewer")


@pytest.fixture
def client_for(client):
    """client_for(user) logs the test client in as user and returns it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real `celery worker` process on the Redis broker, against the test database.

    Tests using it must commit their data (transactional_db) so the worker,
    which has its own connection, can see it.
    """
    from unionapp.celery import app

    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker:
        pytest.fail("The worker tests need Redis: set REDIS_URL (make test does).")
    env = dict(os.environ)
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("The worker tests need PostgreSQL: set DATABASE_URL (make test does).")
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
    )
    env["CELERY_BROKER_URL"] = broker
    env["CELERY_RESULT_BACKEND"] = broker
    env.setdefault("SECRET_KEY", settings.SECRET_KEY)
    env["PERSONAL_DATA_KEY"] = settings.PERSONAL_DATA_KEY
    env["MEDIA_ROOT"] = storage_root()
    # Queues are named per test run so a stray worker elsewhere takes nothing.
    queues = "default,imports,rollups,exports"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "unionapp",
            "worker",
            "-Q",
            queues,
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
    )
    app.conf.update(task_always_eager=False, broker_url=broker, result_backend=broker)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(Exception):  # the broker may not accept yet
                if app.control.ping(timeout=1.0):
                    break
            if time.monotonic() > deadline or worker.poll() is not None:
                pytest.fail("The Celery worker did not start")
        yield worker
    finally:
        app.conf.update(task_always_eager=settings.CELERY_TASK_ALWAYS_EAGER)
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


def _uses_worker_process(request) -> bool:
    return "celery_worker_process" in request.fixturenames or request.node.get_closest_marker("worker")


@pytest.fixture(autouse=True)
def _file_storage(request, settings, tmp_path):
    """Files go to an in-memory storage: any code that reached for a local path instead of the
    storage API (organizations/files.py) would fail here. A test with a real worker process
    shares a folder of its own with it (MEDIA_ROOT in the worker's environment)."""
    if _uses_worker_process(request):
        root = tmp_path / "storage"
        backend = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}}
    else:
        backend = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": backend}
    yield


def storage_root() -> str:
    """The folder a worker process of this test stores its files in (the test's own)."""
    return str(settings.STORAGES["default"]["OPTIONS"]["location"])


@pytest.fixture(autouse=True)
def _eager_celery_by_default(settings):
    """Outside the worker tests, tasks run inline in the test process."""
    from unionapp.celery import app

    app.conf.task_always_eager = True
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login throttling counts failures in the cache (Redis under make test); each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every persona hashes a password; the production hasher's cost (0.6 s each here) is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
