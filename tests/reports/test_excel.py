"""The official forms read back with openpyxl: every number equals drives.figures."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from drives import figures
from drives.periods import Period
from organizations.scopes import Scope
from reports.excel import acceptance_table, progress_table
from reports.figure_rows import FIGURE_ROWS
from reports.models import ExportJob
from reports.units import all_units
from tests.drives.test_figures import join
from tests.factories import EnterpriseFactory, UnionFactory
from tests.reports.helpers import make_drive

B3 = Period.parse("2015-B3")


@pytest.fixture
def data(divisions):
    drive = make_drive()
    lhasa = UnionFactory(area_id="540102")
    shigatse = UnionFactory(area_id="540202")
    affiliate = UnionFactory(area_id="540103", federation_affiliate=True)
    for _ in range(3):
        join(lhasa, dt.date(2015, 5, 1))
    join(shigatse, dt.date(2015, 3, 1))
    join(affiliate, dt.date(2015, 6, 30))
    EnterpriseFactory(federation_affiliate=True)
    return drive


@pytest.mark.django_db
def test_the_progress_table_has_every_unit_side_by_side_with_the_figures(data):
    content = progress_table(data, B3, today=dt.date(2015, 7, 5))
    ws = load_workbook(io.BytesIO(content)).active

    units = all_units()
    headings = [ws.cell(3, col).value for col in range(2, len(units) + 3)]
    assert headings == [u.label for u in units] + ["全区"]
    expected = figures.compute_many(
        [u.scope for u in units] + [Scope.region()], B3.end, drive=data, period=B3
    )
    for row_number, row in enumerate(FIGURE_ROWS, start=4):
        assert ws.cell(row_number, 1).value == str(row.label)
        for col, key in enumerate([u.key for u in units] + [""], start=2):
            assert ws.cell(row_number, col).value == expected[key][row.name], (row.name, key)
    lhasa_col = 2 + [u.key for u in units].index("5401")
    assert ws.cell(4, lhasa_col).value == 4  # three in Chengguan, the affiliate in Doilungdêqên
    assert ws.cell(4, len(units) + 2).value == 5  # the whole region


@pytest.mark.django_db
def test_the_progress_table_is_an_official_form(data):
    ws = load_workbook(io.BytesIO(progress_table(data, B3, today=dt.date(2015, 7, 5)))).active

    assert "双月进展统计表" in ws.cell(1, 1).value
    assert "2015年5—6月" in ws.cell(2, 1).value and "2015年07月05日" in ws.cell(2, 1).value
    assert ws.freeze_panes == "B4"
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    rate_row = 4 + [r.name for r in FIGURE_ROWS].index("growth_rate")
    assert ws.cell(rate_row, 2).number_format == "0.0%"
    assert ws.cell(4, 2).number_format == "#,##0"
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert any("负责人（签字）" in t for t in text) and any("填表人（签字）" in t for t in text)


@pytest.mark.django_db
def test_the_acceptance_table_shows_each_units_score(data):
    from reports.acceptance import assess

    ws = load_workbook(io.BytesIO(acceptance_table(data, today=dt.date(2015, 12, 20)))).active

    assert "年终考核验收表" in ws.cell(1, 1).value
    units = all_units()
    last_col = ws.max_column
    assert ws.cell(3, last_col).value == "总分"
    for row, unit in enumerate(units, start=4):
        items, score = assess(data, unit)
        assert ws.cell(row, 1).value == unit.label
        assert ws.cell(row, last_col).value == score
        assert ws.cell(row, 2).value == items[0].actual  # growth: members at year end
    assert ws.freeze_panes == "B4"


def test_the_export_job_runs_on_a_real_worker_and_downloads(celery_worker_process, data, hq, client_for):
    client = client_for(hq)
    response = client.post(
        reverse("reports:export_start"), {"drive": "2015", "kind": "progress", "period": "2015-B3"}
    )
    job = ExportJob.objects.get()
    assert response.url == reverse("reports:export_job", args=[job.pk])
    import time

    deadline = time.monotonic() + 60
    while client.get(response.url + "?format=json").json()["status"] != "done":
        assert time.monotonic() < deadline, "the export job did not finish"
        time.sleep(0.5)
    download = client.get(reverse("reports:export_download", args=[job.pk]))
    ws = load_workbook(
        io.BytesIO(b"".join(download.streaming_content) if download.streaming else download.content)
    ).active
    assert ws.cell(4, 2 + [u.key for u in all_units()].index("5401")).value == 4


@pytest.mark.django_db
def test_only_hq_exports_the_forms(data, prefecture, hq, client_for):
    client = client_for(prefecture)
    assert (
        client.post(
            reverse("reports:export_start"), {"drive": "2015", "kind": "progress", "period": "2015-B3"}
        ).status_code
        == 404
    )
    client = client_for(hq)
    client.post(reverse("reports:export_start"), {"drive": "2015", "kind": "acceptance"})
    job = ExportJob.objects.get()
    assert client_for(prefecture).get(reverse("reports:export_job", args=[job.pk])).status_code == 404
