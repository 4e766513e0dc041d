"""The boards' map in Chromium: seven prefectures in their bands' colours, each opening its board."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organizations.models import User
from reports.dashboards.geomap import band

pytestmark = pytest.mark.browser

AT = "date=2015-10-31"
COLOURS = {
    "map-band-done": "rgb(25, 135, 84)",
    "map-band-good": "rgb(117, 183, 152)",
    "map-band-mid": "rgb(255, 193, 7)",
    "map-band-behind": "rgb(220, 53, 69)",
    "map-band-none": "rgb(206, 212, 218)",
}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", scale="small", stdout=io.StringIO())


def progress_of(page, code: str) -> float | None:
    cell = page.locator(f'tr[data-unit="{code}"] [data-figure="target_progress"]')
    value = cell.get_attribute("data-value")
    return None if value in ("", "None") else float(value)


def test_the_region_map_shows_seven_prefectures_in_their_colours(demo, journey, sign_in):
    page = journey.page
    sign_in(journey, User.objects.get(username="hq"))
    journey.goto(f"/dashboard/?{AT}")
    shapes = page.locator("svg.map-svg path.map-shape")
    expect(shapes).to_have_count(7)
    bands = set()
    for index in range(7):
        shape = shapes.nth(index)
        code = shape.get_attribute("data-code")
        expected = band(progress_of(page, code))
        bands.add(expected)
        assert shape.evaluate("element => getComputedStyle(element).fill") == COLOURS[expected], code
        box = shape.bounding_box()
        assert box["width"] > 10 and box["height"] > 10, code  # drawn, not collapsed
    assert len(bands) >= 2  # the demo's prefectures are not all in one band
    journey.shot("region map")

    # A shape is a link to its prefecture's board, which draws that prefecture's counties.
    page.locator('svg.map-svg a[data-code="540100"]').click()
    expect(page.get_by_test_id("dashboard-title")).to_have_text("拉萨市")
    expect(page.locator("svg.map-svg path.map-shape")).to_have_count(8)
    journey.shot("prefecture map")

    # The table under the map lists the same shapes for those who do not read colours.
    page.locator("[data-testid=board-map] summary").click()
    expect(page.locator("[data-testid=map-table] tbody tr")).to_have_count(8)
