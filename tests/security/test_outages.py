"""Outages: Redis as the cache, Redis as the broker, and PostgreSQL dropping connections.

The app runs as deployed (gunicorn, unionapp.production) against the test PostgreSQL and two private Redis
servers of the test's own (one the cache, one the broker), so killing them touches nobody else's;
PostgreSQL is not stopped (it is shared): the app's own connections are terminated with
pg_terminate_backend, as a restart would end them. Each outage answers a clear page (no
traceback), loses nothing that was saved, and the app recovers with no restart of its own.
"""

import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from members.models import ImportJob
from organizations.models import Role
from reports.models import ExportJob
from tests.conftest import PASSWORD, ROOT
from tests.deploy.server import Site, free_port, start_gunicorn
from tests.factories import UserFactory
from tests.reports.helpers import make_drive


class PrivateRedis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while (
            subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout.strip()
            != b"PONG"
        ):
            assert time.monotonic() < deadline, "the private Redis did not start"
            time.sleep(0.1)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Collected once for the module, as a deploy does (the manifest storage needs it)."""
    root = tmp_path_factory.mktemp("static")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="unionapp.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        STATIC_ROOT=str(root),
    )
    run = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return root


@pytest.fixture
def app(transactional_db, divisions, tmp_path, static_root):
    """gunicorn on the test database, with a cache Redis and a broker Redis of its own."""
    cache, broker = PrivateRedis(), PrivateRedis()
    cache.start()
    broker.start()
    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="unionapp.production",
        OTP_REQUIRED_FOR_HQ="0",  # HQ signs in with a password here; the second factor is not under test
        SECRET_KEY=secrets.token_urlsafe(60),
        PERSONAL_DATA_KEY=settings.PERSONAL_DATA_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}",
        REDIS_URL=cache.url,
        CELERY_BROKER_URL=broker.url,
        VAR_DIR=str(tmp_path),
        STATIC_ROOT=str(static_root),
    )
    port = free_port()
    server = start_gunicorn(env, port)
    try:
        yield Site(port), cache, broker
    finally:
        server.terminate()
        server.wait(timeout=15)
        for redis in (cache, broker):
            if redis.process.poll() is None:
                redis.kill()


def staff(username: str, role: str, **fields):
    user = UserFactory(username=username, role=role, **fields)
    # Hashed as the app under test hashes (the tests' own hasher is not in its settings).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save()
    return user


def sign_in(site: Site, username: str, password: str = PASSWORD):
    site.request("GET", "/accounts/login/")
    body = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": site.cookies["csrftoken"]}
    )
    return site.request(
        "POST", "/accounts/login/", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )


def no_traceback(content: bytes) -> str:
    page = content.decode()
    assert "Traceback" not in page and 'File "' not in page and "Server Error (500)" not in page
    return page


def test_with_the_cache_down_staff_sign_in_and_the_job_pages_answer(app):
    site, cache, _broker = app
    clerk = staff("county", Role.COUNTY, area_id="540102")
    job = ImportJob.objects.create(
        owner=clerk, token="x", filename="会员名册.xlsx", total=5000, status="running", processed=2000
    )
    cache.kill()

    response, content = sign_in(site, "county")
    assert response.status == 302, no_traceback(content)[:2000]
    response, content = site.request("GET", f"/members/import/jobs/{job.pk}/")
    assert response.status == 200 and "2000 / 5000" in no_traceback(content)
    response, content = site.request("GET", f"/members/import/jobs/{job.pk}/progress/")
    assert response.status == 200 and b'"status": "running"' in content

    # Failures are still counted, and lock, with Redis away: nothing was kept only there.
    other = Site(site.port)
    for _ in range(5):
        response, content = sign_in(other, "county", "wrong-password")
    assert response.status == 429 and "登录失败次数过多" in no_traceback(content)

    cache.start()  # back on the same port: the app carries on without a restart
    response, content = site.request("GET", f"/members/import/jobs/{job.pk}/")
    assert response.status == 200


def test_with_the_broker_down_a_job_is_refused_with_a_message_and_queued_once_it_is_back(app):
    site, _cache, broker = app
    staff("hq", Role.HQ)
    make_drive()
    assert sign_in(site, "hq")[0].status == 302
    form = {"drive": "2015", "kind": "acceptance"}

    broker.kill()
    site.request("GET", "/reports/")
    body = urlencode({**form, "csrfmiddlewaretoken": site.cookies["csrftoken"]})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response, content = site.request("POST", "/reports/exports/", body=body, headers=headers)
    assert response.status == 302, no_traceback(content)[:2000]
    response, content = site.request("GET", response.headers["Location"])
    assert "后台任务服务暂时不可用，任务未提交" in no_traceback(content)
    assert not ExportJob.objects.exists()  # no job left half-made

    broker.start()
    response, content = site.request("POST", "/reports/exports/", body=body, headers=headers)
    assert response.status == 302
    job = ExportJob.objects.get()
    assert response.headers["Location"].endswith(f"/{job.pk}/")
    assert job.status == "queued"


def terminate(holder, pids) -> None:
    with holder.cursor() as cursor:
        for pid in pids:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_database_connections_cut_mid_request_answer_a_clear_page_and_the_next_request_works(app):
    site, _cache, _broker = app
    staff("county", Role.COUNTY, area_id="540102")
    assert sign_in(site, "county")[0].status == 302
    response, _ = site.request("GET", "/members/")
    assert response.status == 200

    db = connection.settings_dict
    holder = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        ours = {cursor.fetchone()[0], holder.info.backend_pid}  # the test's own connections
    try:
        # Between requests: PostgreSQL drops the app's kept connections (a restart would).
        with holder.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            app_pids = [pid for (pid,) in cursor.fetchall() if pid not in ours]
        assert app_pids
        terminate(holder, app_pids)
        response, content = site.request("GET", "/members/")
        assert response.status == 200, no_traceback(content)[:2000]

        # Mid-request: the request waits on a lock when its connection is cut.
        with holder.cursor() as cursor:
            cursor.execute("LOCK TABLE organizations_loginthrottle IN ACCESS EXCLUSIVE MODE")
        answered = {}
        other = Site(site.port)

        def wrong_password():
            answered["response"] = sign_in(other, "county", "wrong-password")

        thread = threading.Thread(target=wrong_password)
        thread.start()
        waiting = []
        deadline = time.monotonic() + 20
        while not waiting and time.monotonic() < deadline:
            with holder.cursor() as cursor:
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # the view is cached per transaction
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                waiting = [pid for (pid,) in cursor.fetchall()]
            time.sleep(0.1)
        assert waiting, "the request never waited on the lock"
        terminate(holder, waiting)
        thread.join(timeout=30)
        response, content = answered["response"]
        assert response.status == 503
        page = no_traceback(content)
        assert "数据库暂时无法连接，本次操作没有保存" in page
        assert response.headers["Retry-After"]
    finally:
        holder.rollback()
        holder.close()

    # The database answers again: nothing to restart, the next requests work.
    response, content = site.request("GET", "/members/")
    assert response.status == 200, no_traceback(content)[:2000]
    assert sign_in(Site(site.port), "county")[0].status == 302
