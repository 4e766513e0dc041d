"""Crawl the demo drive as every demo user, from the home page, and fail on any server
error, on any link to a record outside the user's scope (tests/security/crawler.py) and
on any link the app shows that does not open (403/404).

The demo (seed_demo --scale small) is seeded into the test database; each user follows
every same-site link, redirect and GET form (with its default values) it can reach,
up to crawler.MAX_URLS distinct URLs. The counts are printed and written to
test-artifacts/crawler.json for the closing note.
"""

import io
import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from organizations.management.commands.seed_demo import DEMO_USERS
from organizations.models import User
from tests.security.crawler import MAX_URLS, crawl, out_of_scope

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.parametrize("username", [username for username, *_rest in DEMO_USERS])
def test_every_reachable_page_answers_and_stays_in_scope(username, capsys):
    call_command("seed_demo", scale="small", stdout=io.StringIO())
    user = User.objects.get(username=username)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    started = time.monotonic()
    result = crawl(client)
    errors = result.failures(500, 599)
    # A link the app itself shows must open: 403/404 there is a page naming what it may not.
    dead = result.failures(400, 499)
    leaks, unplaced = out_of_scope(user, result)
    counts = {
        "urls": len(result.statuses),
        "links": result.links_seen,
        "records": len(result.records),
        "by_status": {
            str(s): list(result.statuses.values()).count(s) for s in sorted(set(result.statuses.values()))
        },
        "seconds": round(time.monotonic() - started, 1),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "crawler.json"
    saved = json.loads(path.read_text()) if path.exists() else {}
    saved[username] = counts
    path.write_text(json.dumps(saved, indent=2, ensure_ascii=False))
    with capsys.disabled():
        print(f"\ncrawler {username}: {counts}")
    assert errors == [], "\n".join(errors)
    assert leaks == [], "\n".join(leaks)
    assert dead == [], "\n".join(dead)
    assert unplaced == [], f"map these routes in tests/security/crawler.py: {unplaced}"
    # The crawl went somewhere: past the home page into the lists and records.
    assert counts["urls"] > 30 and counts["urls"] <= MAX_URLS
