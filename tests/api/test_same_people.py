"""The API counts people as the roster and the dashboards do, on the same default day."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from drives import figures
from organizations.models import User
from tests.figures_on_pages import board_figure, row_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(divisions):
    call_command("seed_demo", scale="small", stdout=io.StringIO())


@pytest.mark.parametrize("username", ["hq", "chengguan", "federation"])
def test_the_members_api_lists_the_rosters_people(demo, client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    for query in ({}, {"migrant": "yes", "date": "2015-12-31"}, {"migrant": "no"}):
        roster = row_count(client.get("/members/", query).content.decode())
        assert api.get("/api/v1/members/", {**query, "page_size": 1}).json()["count"] == roster, query
    # Everyone who ever held a membership here: more people than are members now.
    everyone = api.get("/api/v1/members/", {"state": "any"}).json()["count"]
    assert everyone > api.get("/api/v1/members/").json()["count"]


def test_metrics_and_the_dashboard_open_on_the_same_day(demo, client):
    """Today (2026) no drive runs: both open on the 2015 drive's last day, with the same figures."""
    hq = User.objects.get(username="hq")
    client.force_login(hq)
    api = APIClient()
    api.force_authenticate(hq)
    answer = api.get("/api/v1/metrics/").json()
    html = client.get("/dashboard/").content.decode()
    assert answer["date"] == figures.default_day().isoformat() == "2015-12-31"
    assert board_figure(html, "members_total").value == answer["figures"]["members_total"] > 0
    members = row_count(client.get("/members/", {"migrant": "yes", "date": "2015-12-31"}).content.decode())
    assert members == answer["figures"]["members_total"]


def test_a_bad_roster_filter_in_the_api_is_a_400_naming_it(demo):
    api = APIClient()
    api.force_authenticate(User.objects.get(username="hq"))
    response = api.get("/api/v1/members/", {"date": "2015-02-30"})
    assert response.status_code == 400
    assert "date" in response.json()


def test_today_is_the_default_while_a_drive_runs(divisions):
    from drives.models import Drive

    Drive.objects.create(**Drive.plan_calendar(2026))
    assert figures.default_day(dt.date(2026, 12, 3)) == dt.date(2026, 12, 3)
