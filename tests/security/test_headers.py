"""Response headers, cookies, session expiry, CSRF and the deploy check."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, ROOT
from tests.security.csp import csp_violations

TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
STATIC_DIR = ROOT / "static"


def test_pages_carry_the_security_headers(client_for, county):
    response = client_for(county).get(reverse("areas:list"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    # Pages with personal data are not kept in caches.
    assert "no-store" in response["Cache-Control"]


def test_the_login_page_has_them_too(client):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "url_name", ["login", "home", "areas:list", "accounts:otp_setup", "password_change", "audit:list"]
)
def test_our_pages_have_no_inline_script_or_style(client_for, hq, url_name):
    response = client_for(hq).get(reverse(url_name), follow=True)
    assert response.status_code == 200
    assert csp_violations(response.content.decode()) == []


def _template_files():
    for directory in TEMPLATE_DIRS:
        yield from sorted(directory.rglob("*.html"))


INLINE_IN_SOURCE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style[\s>]", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_in_the_project_has_inline_script_or_style():
    """Every template of every app, including pages not yet reachable by a test."""
    problems = []
    for path in _template_files():
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE_IN_SOURCE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert problems == []


def _static_files(*suffixes):
    return [p for p in sorted(STATIC_DIR.rglob("*")) if p.suffix in suffixes]


def test_vendored_and_own_scripts_need_no_unsafe_eval():
    problems = []
    for path in _static_files(".js"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in (r"\beval\(", r"new Function\(", r"document\.write\(", r"setAttribute\(\s*[\"']style"):
            if re.search(pattern, text):
                problems.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert problems == []


def test_stylesheets_load_nothing_from_other_sites():
    problems = []
    for path in _static_files(".css"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            if not url.startswith("data:") and re.match(r"^(https?:)?//", url):
                problems.append(f"{path.relative_to(ROOT)}: {url}")
        problems += [
            f"{path.relative_to(ROOT)}: {m}" for m in re.findall(r"@import[^;]*https?://[^;]*", text)
        ]
    assert problems == []
    # The policy allows data: images, which Bootstrap's icons in CSS use.
    assert "data:" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]


def test_session_cookies_are_http_only_and_expire_after_eight_hours(client, county):
    response = client.post(reverse("login"), {"username": "county", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert client.session.get_expiry_age() == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_an_expired_session_goes_back_to_login(client, county):
    client.post(reverse("login"), {"username": "county", "password": PASSWORD})
    assert client.get(reverse("areas:list")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("areas:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_posts_without_a_csrf_token_are_refused(county):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("login"), {"username": "county", "password": PASSWORD}).status_code == 403
    page = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        reverse("login"), {"username": "county", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert client.post(reverse("logout")).status_code == 403


def test_no_page_opts_out_of_csrf():
    """Only DRF views are csrf_exempt: DRF checks CSRF itself for session-authenticated requests."""
    from django.urls import get_resolver

    exempt = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            view = pattern.callback
            is_drf = hasattr(view, "cls") or hasattr(view, "initkwargs")
            if getattr(view, "csrf_exempt", False) and not is_drf:
                exempt.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    assert exempt == []


def _production_env(**extra):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="unionapp.production",
        DEBUG="0",
        ALLOWED_HOSTS="drive.example.org",
        SECRET_KEY="x" * 20 + "production-secret-key-for-the-deploy-check-0123456789",
        **extra,
    )
    env.pop("OTP_REQUIRED_FOR_HQ", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' live server, never in a deploy
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_requires_the_second_factor_for_hq_by_default():
    script = (
        "import django; django.setup(); from django.conf import settings; print(settings.OTP_REQUIRED_FOR_HQ)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "True", result.stderr
    # The demo and test settings leave it off unless the environment turns it on.
    assert settings.OTP_REQUIRED_FOR_HQ is (
        os.environ.get("OTP_REQUIRED_FOR_HQ", "0").lower() in ("1", "true")
    )


def test_openpyxl_reads_xml_through_defusedxml():
    from django.core.checks import run_checks

    assert [e.id for e in run_checks(tags=["security"]) if e.id.startswith("organizations.")] == []
    from openpyxl import xml

    assert xml.DEFUSEDXML
