"""Every number that links to a list opens a list of exactly that many rows (DESIGN "Drill-down").

On the seeded demo, as each role: every linked figure on the dashboards (the
board's own and each unit's row), the drive page and the red lists is
followed, and the list it opens must count the same rows, show the scope and
date as active filters, and export the same rows.
"""

import datetime as dt
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from organizations.models import User
from tests.figures_on_pages import figures_in, row_count

pytestmark = pytest.mark.django_db
PERIOD_END = dt.date(2015, 12, 31)
MID_PERIOD = dt.date(2015, 8, 20)
EXPORTS = {"/members/": "/members/export/", "/directory/enterprises/": "/directory/enterprises/export.xlsx"}


@pytest.fixture
def demo(divisions):
    call_command("seed_demo", scale="small", stdout=io.StringIO())


def follow_every_link(client, html: str, seen: dict) -> int:
    followed = 0
    for figure in figures_in(html):
        if not figure.href or figure.href in seen:
            continue
        response = client.get(figure.href)
        assert response.status_code == 200, figure
        page = response.content.decode()
        seen[figure.href] = row_count(page)
        assert seen[figure.href] == figure.value, (figure.name, figure.scope, figure.href)
        query = parse_qs(urlsplit(figure.href).query)
        if "date" in query:
            assert 'data-testid="active-filters"' in page, figure.href
        followed += 1
    return followed


@pytest.mark.parametrize("username", ["hq", "lhasa", "chengguan", "federation", "union"])
def test_every_dashboard_number_opens_a_list_of_that_many_rows(demo, client, username):
    client.force_login(User.objects.get(username=username))
    boards = ["/dashboard/"]
    if username == "hq":
        boards += ["/dashboard/540100/", "/dashboard/540102/", "/dashboard/542500/", "/dashboard/federation/"]
    seen: dict[str, int] = {}
    followed = 0
    for board in boards:
        for day in (PERIOD_END, MID_PERIOD):
            html = client.get(board, {"date": day.isoformat()}).content.decode()
            followed += follow_every_link(client, html, seen)
    assert followed >= 15  # every board has its own links at least (members, firms, places…)


def test_the_drive_page_and_red_lists_link_to_what_they_count(demo, client):
    client.force_login(User.objects.get(username="hq"))
    html = client.get("/drives/2015/").content.decode()
    assert follow_every_link(client, html, {}) >= 80  # the region, 7 prefectures, 74 counties, federation
    redlists = client.get("/directory/redlists/", {"area": "540102", "date": "2015-12-31"}).content.decode()
    assert "城关区" in redlists[redlists.index('data-testid="active-filters"') :][:400]


@pytest.mark.parametrize("username", ["hq", "chengguan"])
def test_a_list_reached_from_a_number_exports_the_same_rows(demo, client, username, settings):
    settings.EXPORT_JOB_THRESHOLD = 100_000  # written in the request (the job path has its own tests)
    client.force_login(User.objects.get(username=username))
    html = client.get("/dashboard/", {"date": PERIOD_END.isoformat()}).content.decode()
    checked = 0
    for figure in figures_in(html):
        path = urlsplit(figure.href or "").path
        if path not in EXPORTS or not figure.value:
            continue
        export = client.get(f"{EXPORTS[path]}?{urlsplit(figure.href).query}")
        assert export.status_code == 200, figure.href
        sheet = load_workbook(io.BytesIO(export.content), read_only=True).active
        rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]
        assert len(rows) == figure.value, (figure.name, figure.href)
        checked += 1
    assert checked >= 5


def test_a_list_outside_the_users_scope_is_not_found(demo, client):
    client.force_login(User.objects.get(username="chengguan"))
    for url in ("/members/", "/directory/enterprises/", "/directory/parks/", "/directory/townships/"):
        assert client.get(url, {"area": "540103"}).status_code == 404, url
        assert client.get(url, {"federation": "yes"}).status_code == 404, url
    assert client.get("/members/", {"area": "540102001"}).status_code == 200


def test_a_bad_filter_says_so_and_lists_nothing(demo, client):
    client.force_login(User.objects.get(username="hq"))
    page = client.get("/members/", {"date": "2015-13-45"}).content.decode()
    assert 'data-testid="filter-errors"' in page
    assert row_count(page) == 0
