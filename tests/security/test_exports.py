"""Exports neutralise cells a spreadsheet would run as formulas, in .xlsx and .csv alike."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from organizations.tabular.writing import Column, SheetSpec, write_csv, write_xlsx

DANGEROUS = [
    '=HYPERLINK("http://evil.example","点击")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
COLUMNS = [Column("姓名"), Column("备注"), Column("入会日期", number_format="yyyy-mm-dd"), Column("人数")]


def rows():
    for value in DANGEROUS:
        yield ["扎西", value, dt.date(2015, 3, 1), 12]


def test_xlsx_cells_that_look_like_formulas_stay_text():
    data = write_xlsx([SheetSpec("会员", COLUMNS, rows(), caption=["=1+1 标题"])])
    sheet = load_workbook(io.BytesIO(data)).active
    values = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    # (XML reads a carriage return back as a line feed.)
    assert values == ["'" + value.replace("\r", "\n") for value in DANGEROUS]
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    assert sheet["A1"].value == "'=1+1 标题"
    # Ordinary values keep their types.
    assert sheet["C3"].value == dt.datetime(2015, 3, 1)
    assert sheet["D3"].value == 12


def test_csv_cells_that_look_like_formulas_stay_text():
    data = write_csv([Column("=表头"), *COLUMNS[1:]], ([value, value, 3] for value in DANGEROUS))
    assert data.startswith("\ufeff".encode())
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    header, *body = list(reader)
    assert header[0] == "'=表头"
    assert [row[1] for row in body] == ["'" + value for value in DANGEROUS]
    for row in body:
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("value", ["山南\x07建材厂", "日喀则\x1b物流", "阿里\x00石材"])
def test_invisible_control_characters_do_not_break_an_export(value):
    data = write_xlsx([SheetSpec("单位", [Column("单位名称")], [[value]])])
    cell = load_workbook(io.BytesIO(data)).active["A2"].value
    assert cell == value.translate({c: None for c in range(32)})
