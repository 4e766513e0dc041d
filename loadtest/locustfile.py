"""Staff browsing their own scopes, and one clerk uploading a large roster (run by loadtest/run.py).

Each simulated person signs in through the login form as one of the accounts
loadtest/run.py created (LOADTEST_USERS names the JSON file: username,
password, the code of their scope), then opens what that role opens all day:
the dashboard, the area tree, the firm, union and member lists, and the API's
figures for their scope. The ImportClerk uploads a member file big enough to
be handed to a Celery job, and follows its progress page until it is done.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

from locust import HttpUser, between, constant, events, task

USERS = json.loads(Path(os.environ["LOADTEST_USERS"]).read_text(encoding="utf-8"))
IMPORT_FILE = os.environ.get("LOADTEST_IMPORT_FILE", "")
DAY = "2015-12-31"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_lock = threading.Lock()
_next = {"staff": 0}
RESULT = {"import": "not started"}


def take_account() -> dict:
    with _lock:
        account = USERS["staff"][_next["staff"] % len(USERS["staff"])]
        _next["staff"] += 1
    return account


def csrf_of(response) -> str:
    found = _CSRF.search(response.text)
    if not found:
        raise RuntimeError(f"no CSRF token on {response.url}")
    return found.group(1)


def sign_in(user: HttpUser, account: dict) -> None:
    page = user.client.get("/accounts/login/", name="login form")
    form = {"username": account["username"], "password": account["password"]}
    form["csrfmiddlewaretoken"] = csrf_of(page)
    response = user.client.post(
        "/accounts/login/",
        form,
        name="login",
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"{account['username']} could not sign in ({response.status_code})")


class Staff(HttpUser):
    weight = 50
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.account = take_account()
        sign_in(self, self.account)

    @task(4)
    def dashboard(self) -> None:
        self.client.get(f"/dashboard/?date={DAY}", name="dashboard")

    @task(2)
    def areas(self) -> None:
        self.client.get("/areas/", name="areas")

    @task(3)
    def enterprises(self) -> None:
        self.client.get("/directory/enterprises/", name="enterprise list")

    @task(2)
    def unions(self) -> None:
        self.client.get("/directory/unions/", name="union list")

    @task(3)
    def members(self) -> None:
        self.client.get("/members/", name="member list")

    @task(3)
    def metrics(self) -> None:
        self.client.get(f"/api/v1/metrics/?scope={self.account['scope']}&date={DAY}", name="api metrics")


class ImportClerk(HttpUser):
    """One county clerk uploading a large roster: it becomes a Celery job on the imports queue."""

    fixed_count = 1
    wait_time = constant(1)

    def on_start(self) -> None:
        sign_in(self, USERS["importer"])
        self.job_url = ""
        if not IMPORT_FILE:
            RESULT["import"] = "no file"
            return
        form = self.client.get("/members/import/", name="import form")
        with open(IMPORT_FILE, "rb") as handle:
            response = self.client.post(
                "/members/import/",
                data={"csrfmiddlewaretoken": csrf_of(form)},
                files={"file": (Path(IMPORT_FILE).name, handle)},
                name="import upload",
            )
        self.job_url = response.url.replace(self.host, "") if "/import/jobs/" in response.url else ""
        RESULT["import"] = f"queued: {self.job_url}" if self.job_url else f"not queued ({response.url})"

    @task
    def follow_job(self) -> None:
        if not self.job_url:
            return
        answer = self.client.get(self.job_url + "progress/", name="import progress").json()
        RESULT["import"] = f"{self.job_url}: {answer}"


@events.quitting.add_listener
def report_import(environment, **kwargs) -> None:
    print(f"import job: {RESULT['import']}")
