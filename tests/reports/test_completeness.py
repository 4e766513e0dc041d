"""Reporting completeness, one definition everywhere (DESIGN "Reporting completeness").

On a day D the figures count the period due (the latest whose deadline is on
or before D), the running one shown apart; a returned report is not
submitted until it is resubmitted; while a correction of an accepted report
is a draft, the accepted version stands. The dashboard, the API, the reports
grid (and its reminders) and the official form say the same.
"""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from drives import figures
from drives.periods import Period
from organizations.scopes import Scope
from reports.excel import progress_columns, progress_table
from reports.services.progress import (
    report_accept,
    report_correct,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from reports.units import unit_by_key
from tests.drives.test_figures import join
from tests.factories import UnionFactory
from tests.figures_on_pages import board_figure, row_count
from tests.reports.helpers import make_drive

pytestmark = pytest.mark.django_db
B5, B6 = Period.parse("2015-B5"), Period.parse("2015-B6")
YEAR_END = dt.date(2015, 12, 31)  # B5 is due (10 December), B6 runs until 10 January


@pytest.fixture
def drive(divisions):
    drive = make_drive()
    join(UnionFactory(area_id="540102"), dt.date(2015, 4, 1))
    return drive


def submitted(user, drive, period: Period, unit: str = "5401"):
    report = report_open(user=user, drive=drive, period=period, unit=unit_by_key(unit))
    report_save(
        user=user, report_id=report.pk, narrative={"progress": "进展", "counties_note": "县区报告尚在审核"}
    )
    return report_submit(user=user, report_id=report.pk)


def on_every_surface(client, api, drive, period_due: Period) -> dict[str, tuple[int, int]]:
    """(expected, submitted) for the region as the dashboard, the API and the grid show them."""
    html = client.get("/dashboard/", {"date": YEAR_END.isoformat()}).content.decode()
    answer = api.get("/api/v1/metrics/", {"scope": "540000", "date": YEAR_END.isoformat()}).json()
    grid = client.get(
        "/reports/", {"drive": 2015, "period": period_due.name, "state": "submitted"}
    ).content.decode()
    return {
        "dashboard": (
            board_figure(html, "reports_expected").value,
            board_figure(html, "reports_submitted").value,
        ),
        "api": (answer["figures"]["reports_expected"], answer["figures"]["reports_submitted"]),
        "grid rows": (8, row_count(grid)),
    }


def test_a_day_counts_the_period_due_and_shows_the_running_one_apart(drive, prefecture, hq, client_for):
    submitted(prefecture, drive, B5)
    submitted(prefecture, drive, B6)

    assert figures.period_due(drive, YEAR_END) == B5
    assert figures.period_running(drive, YEAR_END) == B6
    found = figures.compute(Scope.region(), YEAR_END)
    assert (found["reports_expected"], found["reports_submitted"]) == (8, 1)
    # On 10 January B6 falls due and counts instead.
    assert figures.period_due(drive, dt.date(2016, 1, 10)) == B6
    # Before the first deadline nothing is due: no figure, not 0 of 8.
    assert figures.compute(Scope.region(), dt.date(2015, 5, 9))["reports_expected"] is None

    client, api = client_for(hq), APIClient()
    api.force_authenticate(hq)
    assert set(on_every_surface(client, api, drive, B5).values()) == {(8, 1)}
    html = client.get("/dashboard/", {"date": YEAR_END.isoformat()}).content.decode()
    running = html[html.index('data-testid="reporting-running"') :][:300]
    assert "已报 1 / 8" in running
    assert api.get("/api/v1/metrics/", {"date": YEAR_END.isoformat()}).json()["reports_period"] == "2015-B5"


def test_a_returned_report_is_not_submitted_anywhere(drive, prefecture, hq, client_for):
    report = submitted(prefecture, drive, B5)
    report_return(user=hq, report_id=report.pk, comments="请补充典型经验")

    client, api = client_for(hq), APIClient()
    api.force_authenticate(hq)
    assert set(on_every_surface(client, api, drive, B5).values()) == {(8, 0)}
    grid = client.get("/reports/", {"drive": 2015}).content.decode()
    cell = grid[grid.index('data-testid="cell-5401-2015-B5"') :].split("</td>")[0]
    assert "已退回，待重新报送" in cell
    assert "拉萨市 · 2015年9—10月" in grid[grid.index('data-testid="reminders"') :].split("</div>")[0]
    heading, _figures, note = progress_columns(drive, B5)[0]
    assert (heading, note) == ("拉萨市", "已退回、未重新报送（系统数据）")

    report_submit(user=prefecture, report_id=report.pk)  # resubmitted: counts again
    assert set(on_every_surface(client, api, drive, B5).values()) == {(8, 1)}


def test_the_accepted_version_stands_while_its_correction_is_a_draft(drive, prefecture, hq, client_for):
    report = submitted(prefecture, drive, B5)
    report_accept(user=hq, report_id=report.pk)
    join(UnionFactory(area_id="540102"), dt.date(2015, 9, 15))  # the data moves after acceptance
    correction = report_correct(user=prefecture, report_id=report.pk)

    client, api = client_for(hq), APIClient()
    api.force_authenticate(hq)
    assert set(on_every_surface(client, api, drive, B5).values()) == {(8, 1)}
    grid = client.get("/reports/", {"drive": 2015}).content.decode()
    cell = grid[grid.index('data-testid="cell-5401-2015-B5"') :].split("</td>")[0]
    assert "已采纳" in cell and "更正中：第2版（草稿）" in cell
    reminders = (
        grid[grid.index('data-testid="reminders"') :].split("</div>")[0] if "reminders" in grid else ""
    )
    assert "拉萨市 · 2015年9—10月" not in reminders
    # The official form keeps the accepted figures, labelled as submitted, and names the correction.
    _heading, shown, note = progress_columns(drive, B5)[0]
    assert shown["members_total"] == 1
    assert note.startswith("已采纳（") and "报送数据" in note and "第2版更正草稿" in note
    book = load_workbook(io.BytesIO(progress_table(drive, B5, today=YEAR_END)))
    statuses = next(row for row in book.active.iter_rows(values_only=True) if row[0] == "报送状态")
    assert "（已报送）" not in statuses[1] and statuses[1] == note

    # Once the correction is submitted and accepted, it stands in its turn.
    report_save(
        user=prefecture,
        report_id=correction.pk,
        narrative={"progress": "更正", "counties_note": "县区报告尚在审核"},
    )
    report_submit(user=prefecture, report_id=correction.pk)
    assert progress_columns(drive, B5)[0][1]["members_total"] == 1  # accepted v1 until v2 is
    report_accept(user=hq, report_id=correction.pk)
    assert progress_columns(drive, B5)[0][1]["members_total"] == 2
