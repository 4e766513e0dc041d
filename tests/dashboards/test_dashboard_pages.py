"""The dashboards: each role's own, the areas inside it, 404 outside, drill-down links, bounded SQL."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from drives import figures
from organizations.models import Area
from organizations.scopes import Scope
from tests.dashboards.world import populate, populate_county
from tests.figures_on_pages import board_figure
from tests.security.csp import csp_violations

pytestmark = pytest.mark.django_db
DAY = dt.date(2015, 12, 31)


def page(client, url: str) -> str:
    response = client.get(url, {"date": DAY.isoformat()})
    assert response.status_code == 200, url
    return response.content.decode()


def shown(html: str, figure: str) -> str:
    """The text shown for figure in the page's first place that carries it."""
    return board_figure(html, figure).text


@pytest.mark.parametrize(
    "persona,title",
    [
        ("county", "城关区"),
        ("prefecture", "拉萨市"),
        ("hq", "西藏自治区"),
        ("hq_viewer", "西藏自治区"),
        ("federation", "区非公企业工会联合会"),
    ],
)
def test_each_role_lands_on_its_own_scope(persona, title, request, client_for):
    html = page(client_for(request.getfixturevalue(persona)), "/dashboard/")
    assert re.search(r'data-testid="dashboard-title">([^<]*)<', html).group(1) == title
    assert csp_violations(html) == []


def test_the_menu_and_home_lead_to_the_dashboard(client_for, county):
    client = client_for(county)
    assert client.get("/").url.startswith("/dashboard/") or "/dashboard/" in client.get("/").content.decode()


@pytest.mark.parametrize(
    "persona,url",
    [
        ("county", "/dashboard/540103/"),
        ("county", "/dashboard/540100/"),
        ("county", "/dashboard/540000/"),
        ("county", "/dashboard/federation/"),
        ("prefecture", "/dashboard/540200/"),
        ("prefecture", "/dashboard/540202/"),
        ("prefecture", "/dashboard/federation/"),
        ("other_prefecture", "/dashboard/540102/"),
        ("federation", "/dashboard/540100/"),
        ("union_staff", "/dashboard/540102/"),
        ("hq", "/dashboard/999999/"),
    ],
)
def test_a_scope_outside_the_users_is_not_found(persona, url, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url).status_code == 404
    assert client.get("/dashboard/export/", {"scope": url.split("/")[2]}).status_code == 404


@pytest.mark.parametrize(
    "persona,url",
    [
        ("county", "/dashboard/540102001/"),
        ("prefecture", "/dashboard/540103/"),
        ("hq_viewer", "/dashboard/540200/"),
        ("hq_viewer", "/dashboard/federation/"),
    ],
)
def test_areas_inside_the_scope_open(persona, url, request, client_for):
    page(client_for(request.getfixturevalue(persona)), url)


def test_the_region_shows_every_prefecture_and_the_federation_side_by_side(client_for, hq_viewer):
    html = page(client_for(hq_viewer), "/dashboard/")
    units = re.findall(r'<tr data-unit="([^"]+)">', html)
    prefectures = list(
        Area.objects.filter(level="prefecture").order_by("code").values_list("code", flat=True)
    )
    assert units == [*prefectures, "federation"]
    # The map: one shape per prefecture, each linking to its dashboard.
    assert sorted(re.findall(r'<a href="/dashboard/(\d{6})/" data-code', html)) == prefectures


def test_a_prefecture_shows_its_counties_and_a_county_its_townships(client_for, prefecture, county):
    html = page(client_for(prefecture), "/dashboard/")
    counties = list(Area.objects.filter(parent_id="540100").order_by("code").values_list("code", flat=True))
    assert re.findall(r'<tr data-unit="([^"]+)">', html) == counties
    html = page(client_for(county), "/dashboard/")
    assert re.findall(r'<tr data-unit="([^"]+)">', html) == ["540102001"]


def test_the_numbers_are_the_figures_modules(client_for, hq_viewer):
    populate(2)
    html = page(client_for(hq_viewer), "/dashboard/540100/")
    expected = figures.compute(Scope.of_area(Area.objects.get(code="540100")), DAY)
    assert shown(html, "members_total") == f"{expected['members_total']:,}"
    assert shown(html, "four_element_total") == f"{expected['four_element_total']:,}"
    assert expected["members_total"] == 6


def test_numbers_link_to_the_lists_behind_them_with_the_same_filters(client_for, hq_viewer):
    populate_county("540102")
    html = page(client_for(hq_viewer), "/dashboard/540100/")
    row = re.search(r'<tr data-unit="540102">(.*?)</tr>', html, re.S).group(1)
    assert "/dashboard/540102/" in row
    assert "area=540102" in row and "four_element=yes" in row and "date=2015-12-31" in row
    sector_row = re.search(r'<tr data-sector="construction">(.*?)</tr>', html, re.S).group(1)
    assert "sector=construction" in sector_row and "area=540100" in sector_row


def test_breadcrumbs_stop_at_the_top_of_the_users_scope(client_for, prefecture):
    html = page(client_for(prefecture), "/dashboard/540102/")
    assert 'href="/dashboard/540100/"' in html
    assert 'href="/dashboard/540000/"' not in html


def test_a_bad_date_is_said_and_today_shown(client_for, county):
    response = client_for(county).get("/dashboard/", {"date": "2015-13-45"})
    assert response.status_code == 200
    assert "已显示今天的数据" in response.content.decode()


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"date": DAY.isoformat()}).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/dashboard/", "/dashboard/540100/", "/dashboard/540102/", "/dashboard/federation/"]
)
def test_queries_do_not_grow_with_the_data(url, client_for, hq_viewer, django_assert_max_num_queries):
    client = client_for(hq_viewer)
    populate(1)
    small = query_count(client, url)
    populate(3)  # now 4 counties per prefecture, 4 times the records
    with django_assert_max_num_queries(small):
        client.get(url, {"date": DAY.isoformat()})
    assert query_count(client, url) == small


def test_overdue_inspection_problems_are_counted_in_scope(
    client_for, hq_viewer, prefecture, other_prefecture
):
    from drives.models import Drive
    from reports.models import Inspection, InspectionProblem

    drive = Drive.objects.create(
        year=2015,
        name="2015年集中行动",
        baseline_year=2014,
        mobilisation_start=dt.date(2015, 1, 1),
        mobilisation_end=dt.date(2015, 2, 28),
        implementation_start=dt.date(2015, 3, 1),
        implementation_end=dt.date(2015, 10, 31),
        acceptance_start=dt.date(2015, 11, 1),
        acceptance_end=dt.date(2015, 12, 31),
    )
    visit = Inspection.objects.create(
        drive=drive,
        unit_key="5401",
        area_id="540100",
        visited_on=dt.date(2015, 6, 1),
        team="组织部",
        units_visited="某企业",
        findings="入会率偏低",
    )
    InspectionProblem.objects.create(
        inspection=visit, description="a", responsible="x", deadline=dt.date(2015, 9, 1)
    )
    InspectionProblem.objects.create(
        inspection=visit, description="b", responsible="x", deadline=dt.date(2016, 3, 1)
    )
    assert shown(page(client_for(prefecture), "/dashboard/"), "inspection_problems_overdue") == "1"
    assert shown(page(client_for(prefecture), "/dashboard/"), "inspection_problems_open") == "2"
    assert shown(page(client_for(other_prefecture), "/dashboard/"), "inspection_problems_open") == "0"


def test_with_no_drive_for_this_year_the_board_opens_on_the_last_drive_s_last_day(client_for, hq):
    from tests.reports.helpers import make_drive

    make_drive()  # 2015; today is years later and no later drive is set up

    html = client_for(hq).get("/dashboard/").content.decode()

    assert "截至 2015-12-31" in html


def test_the_date_picker_shows_the_day_the_board_opens_on(client_for, hq):
    from tests.reports.helpers import make_drive

    make_drive()

    html = client_for(hq).get("/dashboard/").content.decode()

    assert re.search(r'<input[^>]*name="date"[^>]*value="2015-12-31"', html)
