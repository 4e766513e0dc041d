"""Directory exports: scope, formats, the exporter framework."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from organizations.tabular.exporter import Exporter, content_disposition, export_response
from organizations.tabular.writing import Column
from tests.factories import EnterpriseFactory, UnionFactory
from tests.organizations.helpers import cover

pytestmark = pytest.mark.django_db


def workbook_text(response) -> str:
    workbook = load_workbook(io.BytesIO(response.content))
    return "\n".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value)


def test_the_enterprise_workbook(county, client_for):
    firm = EnterpriseFactory(name='=HYPERLINK("http://x")公司', registered_on=dt.date(2013, 5, 2))
    cover(firm, members=3)
    EnterpriseFactory(name="堆龙公司", area_id="540103")
    response = client_for(county).get(reverse("directory:enterprise_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width > 20
    assert sheet["A2"].value.startswith("'=")
    assert sheet["A2"].data_type != "f"
    assert sheet["P2"].value == dt.datetime(2013, 5, 2)
    assert sheet["N2"].value == 3
    assert "堆龙公司" not in workbook_text(response)


def test_the_directory_workbook_has_both_lists(prefecture, client_for):
    EnterpriseFactory(name="城关公司")
    UnionFactory(name="堆龙工会", area_id="540103")
    UnionFactory(name="日喀则工会", area_id="540202")
    response = client_for(prefecture).get(reverse("directory:directory_export"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["企业名录", "工会名录"]
    text = workbook_text(response)
    assert "城关公司" in text and "堆龙工会" in text and "日喀则工会" not in text


def test_csv_export(county, client_for):
    EnterpriseFactory(name="城关公司")
    response = client_for(county).get(reverse("directory:enterprise_export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "单位名称" and rows[1][0] == "城关公司"


def test_another_countys_export_holds_none_of_mine(other_county, client_for):
    EnterpriseFactory(name="城关公司")
    UnionFactory(name="城关工会")
    client = client_for(other_county)
    for name in (
        "directory:enterprise_export",
        "directory:union_export",
        "directory:directory_export",
        "directory:redlists_export",
    ):
        text = workbook_text(client.get(reverse(name)))
        assert "城关" not in text, name


def test_the_hq_viewer_may_export(hq_viewer, client_for):
    EnterpriseFactory(name="城关公司")
    assert "城关公司" in workbook_text(client_for(hq_viewer).get(reverse("directory:enterprise_export")))


def test_a_chinese_file_name_per_rfc_5987():
    header = content_disposition("企业名录-20151231.xlsx", "enterprises-20151231.xlsx")
    assert header == (
        'attachment; filename="enterprises-20151231.xlsx"; '
        "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%BD%95-20151231.xlsx"
    )


class Numbers(Exporter):
    name = "numbers"
    title = "数字"
    columns = [Column("数"), Column("日期")]

    def rows(self):
        yield [1, dt.date(2015, 1, 1)]
        yield ["-1+1", None]


def test_an_exporter_only_yields_rows(county):
    response = export_response(Numbers(county), "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "数字"
    assert [c.value for c in sheet[2]] == [1, dt.datetime(2015, 1, 1)]
    assert sheet["A3"].value == "'-1+1"
    csv_response = export_response(Numbers(county), "csv")
    assert csv_response.content.decode("utf-8-sig").splitlines()[0] == "数,日期"


def test_unions_staff_cannot_reach_the_role_check_bypass(county):
    from django.core.exceptions import PermissionDenied

    county.is_active = False
    with pytest.raises(PermissionDenied):
        export_response(Numbers(county), "xlsx")
