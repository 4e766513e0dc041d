"""The same figure is the same number on the dashboard, in the API and in the exported workbook,
for the same scope and date, on the demo drive (seed_demo --scale small)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.figures_on_pages import board_figure

pytestmark = pytest.mark.django_db
DAY = dt.date(2015, 12, 31)
FIGURES = [
    "members_total",
    "members_new",
    "new_generation_members",
    "members_baseline",
    "target_members",
    "four_element_total",
    "four_element_covered",
    "four_element_compliant",
    "small_enterprises_total",
    "small_enterprises_covered",
    "parks_with_union",
    "townships_eight_haves",
    "communities_with_union",
    "reports_submitted",
]
KEYS = ["540000", "540100", "540102", "federation"]


def page_text(html: str, figure: str) -> str:
    return board_figure(html, figure).text


def as_shown(value) -> str:
    return "—" if value is None else f"{value:,}"


def workbook_sheets(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [row for row in sheet.iter_rows(values_only=True) if row] for sheet in book}


def test_dashboard_api_and_workbook_agree(divisions, hq_viewer, client_for):
    call_command("seed_demo", scale="small", stdout=io.StringIO())
    client = client_for(hq_viewer)
    api = APIClient()
    api.force_authenticate(hq_viewer)
    region_units = None
    for key in KEYS:
        url = "/dashboard/" if key == "540000" else f"/dashboard/{key}/"
        html = client.get(url, {"date": DAY.isoformat()}).content.decode()
        answer = api.get("/api/v1/metrics/", {"scope": key, "date": DAY.isoformat()}).json()["figures"]
        export = client.get("/dashboard/export/", {"scope": key, "date": DAY.isoformat()})
        sheets = workbook_sheets(export.content)
        # An empty cell (a figure with no value) reads back as a shorter row.
        overview = {row[2]: (row[3] if len(row) > 3 else None) for row in sheets["概况"] if len(row) > 2}
        for figure in FIGURES:
            assert page_text(html, figure) == as_shown(answer[figure]), (key, figure)
            assert overview[figure] == answer[figure], (key, figure)
        if key == "540000":
            region_units = sheets["下级单位"]
            assert answer["members_total"] > 0
        elif key in ("540100", "federation"):
            # A unit's row on the region's sheet is the unit's own dashboard.
            header = next(row for row in region_units if len(row) > 1 and row[1] == "代码")
            row = next(row for row in region_units if len(row) > 1 and row[1] == key)
            for figure in ("members_total", "four_element_compliant", "target_members"):
                index = header.index(_header(figure))
                assert (row[index] if len(row) > index else None) == answer[figure], (key, figure)


def _header(figure: str) -> str:
    from reports.dashboards.exporter import UNIT_COLUMNS

    return next(header for name, header, _ratio in UNIT_COLUMNS if name == figure)
