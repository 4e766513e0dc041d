"""The production deploy, as docs/deploy.md runs it, against the test PostgreSQL.

Under DJANGO_SETTINGS_MODULE=unionapp.production: `collectstatic` (WhiteNoise's hashed,
compressed storage), `check --deploy --fail-level WARNING`, then gunicorn on a free local port.
Requests come as nginx sends them (X-Forwarded-Proto: https, which SECURE_PROXY_SSL_HEADER
trusts; without it SECURE_SSL_REDIRECT answers a redirect to https). The login page is fetched
and signed in through, and the hashed static files it names are fetched.
"""

import os
import re
import secrets
import subprocess
import sys
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from organizations.models import Role
from tests.conftest import PASSWORD, ROOT
from tests.deploy.server import Site, free_port, start_gunicorn
from tests.factories import UserFactory


def production_env(tmp_path) -> dict[str, str]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("The production smoke needs PostgreSQL: set DATABASE_URL (make test does).")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="unionapp.production",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        PERSONAL_DATA_KEY=settings.PERSONAL_DATA_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
        ),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        VAR_DIR=str(tmp_path / "var"),
    )
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_production_deploy_collects_checks_serves_and_signs_in(transactional_db, divisions, tmp_path):
    clerk = UserFactory(username="county", role=Role.COUNTY, area_id="540102")
    # Hashed as production hashes (the tests' own hasher is not in its PASSWORD_HASHERS).
    clerk.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    clerk.save()
    env = production_env(tmp_path)

    collected = manage(env, "collectstatic", "--no-input")
    assert collected.returncode == 0, collected.stderr[-3000:]
    checked = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    port = free_port()
    server = start_gunicorn(env, port)
    try:
        site = Site(port)
        # Plain http, not through the TLS proxy: sent to https.
        response, _ = site.request("GET", "/accounts/login/", https=False)
        assert response.status == 301
        assert response.headers["Location"] == f"https://127.0.0.1:{port}/accounts/login/"

        response, content = site.request("GET", "/accounts/login/")
        page = content.decode()
        assert response.status == 200
        assert "登录" in page
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        stylesheet = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the login page does not name the hashed stylesheet"

        response, content = site.request("GET", stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/css")
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers.get("Content-Encoding") == "gzip"
        # Chart.js, whose source map made collectstatic fail, is served hashed with its map.
        chart = next((tmp_path / "static" / "vendor" / "chartjs").glob("chart.umd.min.*.js"))
        response, content = site.request("GET", f"/static/vendor/chartjs/{chart.name}")
        assert response.status == 200
        source_map = re.search(
            rb"sourceMappingURL=(chart\.umd\.min\.js\.[0-9a-f]{12}\.map|chart\.umd\.min\.[0-9a-f]{12}\.js\.map)",
            content,
        )
        assert source_map, content[-200:]
        response, _ = site.request("GET", f"/static/vendor/chartjs/{source_map.group(1).decode()}")
        assert response.status == 200

        # Signing in works under these settings (secure cookies, CSRF by origin, the session).
        token = site.cookies["csrftoken"]
        body = urlencode({"username": "county", "password": PASSWORD, "csrfmiddlewaretoken": token})
        response, content = site.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://127.0.0.1:{port}/accounts/login/",
                "Origin": f"https://127.0.0.1:{port}",
            },
        )
        assert response.status == 302, content.decode()[:2000]
        assert "sessionid" in site.cookies
    finally:
        server.terminate()
        server.wait(timeout=15)
