"""The boards' map: real boundaries for every prefecture and county, coloured by progress, linked."""

import csv
import datetime as dt
import re

import pytest

from organizations.models import Area
from reports.dashboards import boundaries
from reports.dashboards.geomap import band
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db
DAY = dt.date(2015, 12, 31)
SHAPE = re.compile(
    r'<a href="(/dashboard/\d+/)" data-code="(\d+)">\s*<path class="map-shape (map-band-\w+)" d="M'
)


def divisions() -> list[dict]:
    with open(ROOT / "organizations" / "data" / "tibet_divisions.csv", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_every_prefecture_and_county_of_the_divisions_file_has_a_shape():
    rows = divisions()
    prefectures = {row["code"] for row in rows if row["level"] == "prefecture"}
    assert set(boundaries.region().shapes) == prefectures
    for prefecture in prefectures:
        counties = {row["code"] for row in rows if row["parent_code"] == prefecture}
        assert set(boundaries.counties_of(prefecture).shapes) == counties, prefecture


def test_shapes_are_drawn_small_enough_to_inline():
    drawing = boundaries.region()
    assert 250 < drawing.height < 450 and drawing.width == 600
    assert sum(len(shape.path) for shape in drawing.shapes.values()) < 60_000


def test_band_edges():
    assert band(None) == "map-band-none"
    assert band(1.0) == band(1.4) == "map-band-done"
    assert band(0.8) == "map-band-good"
    assert band(0.7999) == band(0.6) == "map-band-mid"
    assert band(0.0) == "map-band-behind"


def test_the_region_draws_its_seven_prefectures_each_linking_to_its_board(client_for, hq_viewer):
    html = client_for(hq_viewer).get("/dashboard/", {"date": DAY.isoformat()}).content.decode()
    shapes = SHAPE.findall(html)
    prefectures = sorted(Area.objects.filter(level="prefecture").values_list("code", flat=True))
    assert sorted(code for _url, code, _css in shapes) == prefectures
    assert all(url == f"/dashboard/{code}/" for url, code, _css in shapes)
    # Each shape's colour is its row's progress, as the units table shows it.
    for _url, code, css in shapes:
        row = re.search(rf'<tr data-unit="{code}">(.*?)</tr>', html, re.S).group(1)
        value = re.search(r'data-figure="target_progress" data-scope="\d+" data-value="([^"]*)"', row)[1]
        assert css == band(float(value) if value not in ("", "None") else None)
    # The legend and the table of the same shapes.
    assert html.count('data-testid="map-legend"') == 1
    table = re.search(r'data-testid="map-table">(.*?)</table>', html, re.S).group(1)
    assert sorted(re.findall(r'<tr data-code="(\d+)">', table)) == prefectures


def test_a_prefecture_draws_its_counties_and_a_county_has_no_map(client_for, prefecture, county):
    html = client_for(prefecture).get("/dashboard/", {"date": DAY.isoformat()}).content.decode()
    counties = sorted(Area.objects.filter(parent_id="540100").values_list("code", flat=True))
    assert sorted(code for _url, code, _css in SHAPE.findall(html)) == counties
    html = client_for(county).get("/dashboard/", {"date": DAY.isoformat()}).content.decode()
    assert 'data-testid="board-map"' not in html


def test_every_shape_has_its_label_inside_the_drawing():
    for drawing in [boundaries.region(), *(boundaries.counties_of(c) for c in boundaries.COUNTY_FILES)]:
        for shape in drawing.shapes.values():
            assert 10 < shape.label_x < drawing.width - 10 and 10 < shape.label_y < drawing.height - 10
