"""Browser journeys: Debian's Chromium driven by Playwright against Django's live server.

Every journey gets a fresh browser context, a `Journey` that collects console
errors and failed same-origin requests (the test fails on any), and saves a
screenshot per step under test-artifacts/screenshots/<test>/. With
DOC_SCREENSHOTS=1 the steps marked for the README are copied to docs/screenshots/.

The live server runs in a thread of this process against the test database,
so the tests need committed data (pytest-django gives live_server tests a
transactional database). Playwright's sync API keeps an event loop running in
the main thread, which makes Django refuse ORM calls from test code unless
DJANGO_ALLOW_ASYNC_UNSAFE is set; it is, here only.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    sync_playwright,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}  # iPhone 12–15 in CSS pixels


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test so a journey can screenshot a failure.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make browser` installs Debian's chromium.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Journey:
    """One browser tab with its problems log and numbered screenshots."""

    def __init__(self, page: Page, base_url: str, folder: Path, prefix: str = ""):
        self.page = page
        self.base_url = base_url
        self.origin = urlsplit(base_url).netloc
        self.problems: list[str] = []
        self.expected_statuses: set[int] = set()
        self.step = 0
        self.folder = folder
        self.prefix = prefix
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _same_origin(self, url: str) -> bool:
        return urlsplit(url).netloc == self.origin

    def _on_console(self, message: ConsoleMessage) -> None:
        # A resource answering 4xx/5xx is judged by _on_response, which knows the expected statuses.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text} ({message.location.get('url')})")

    def _on_request_failed(self, request: Request) -> None:
        # A download the page hands to the browser "fails" as a navigation; that is not a fault.
        if self._same_origin(request.url) and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.method} {request.url} {request.failure}")

    def _on_response(self, response: Response) -> None:
        failed = response.status >= 400 and response.status not in self.expected_statuses
        if failed and self._same_origin(response.url):
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Response | None:
        return self.page.goto(self.url(path))

    def shot(self, name: str, *, doc: str | None = None, full_page: bool = True) -> Path:
        """Save this step's screenshot; `doc` names its copy in docs/screenshots/ for the README."""
        self.step += 1
        slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
        path = self.folder / f"{self.prefix}{self.step:02d}-{slug}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        if doc and os.environ.get("DOC_SCREENSHOTS") == "1":
            DOC_SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOC_SHOTS / doc)
        return path

    def assert_clean(self) -> None:
        assert not self.problems, "The browser reported problems:\n" + "\n".join(self.problems)


@pytest.fixture
def screenshots_folder(request) -> Path:
    folder = ARTIFACTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _new_journey(browser: Browser, live_server, request, folder: Path, prefix: str, viewport: dict, **kw):
    context: BrowserContext = browser.new_context(
        viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True, **kw
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    journey = Journey(page, live_server.url, folder, prefix)
    try:
        yield journey
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            journey.shot("failure")
        else:
            journey.assert_clean()
    finally:
        context.close()


@pytest.fixture
def journey(browser, live_server, request, screenshots_folder) -> Iterator[Journey]:
    yield from _new_journey(browser, live_server, request, screenshots_folder, "", DESKTOP)


@pytest.fixture
def phone_journey(browser, live_server, request, screenshots_folder) -> Iterator[Journey]:
    yield from _new_journey(
        browser,
        live_server,
        request,
        screenshots_folder,
        "phone-",
        PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


@pytest.fixture
def sign_in(live_server):
    """sign_in(journey, user): the browser carries a session for user (no login form, no throttle)."""

    def sign(journey: Journey, user) -> None:
        client = Client()
        client.force_login(user)
        journey.page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return sign
