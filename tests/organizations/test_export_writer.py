"""The writer's fast path: one reused cell per formatted column must not mix rows up."""

import csv
import datetime as dt
import io
import zoneinfo

from openpyxl import load_workbook

from organizations.tabular.writing import Column, SheetSpec, write_csv, write_xlsx

COLUMNS = [Column("名称"), Column("日期"), Column("入会率", number_format="0.0%"), Column("时间")]
UTC = dt.UTC


def rows():
    for n in range(2500):
        day = dt.date(2015, 1, 1) + dt.timedelta(days=n % 400) if n % 3 else None
        rate = n / 2500 if n % 2 else None
        yield [f"第{n}家", day, rate, dt.datetime(2015, 6, 1, 0, 30, tzinfo=UTC) if n == 7 else None]


def test_every_row_keeps_its_own_values_and_formats():
    progress = []
    data = write_xlsx([SheetSpec("单位", COLUMNS, rows())], progress=progress.append)
    sheet = load_workbook(io.BytesIO(data)).active
    expected = list(rows())
    for index, row in enumerate(sheet.iter_rows(min_row=2)):
        name, day, rate, _time = expected[index]
        assert row[0].value == name
        assert row[1].value == (dt.datetime.combine(day, dt.time()) if day else None)
        if day:
            assert row[1].number_format == "yyyy-mm-dd"
        assert row[2].value == (rate if rate is not None else None)
        if rate is not None:
            assert row[2].number_format == "0.0%"
    assert progress == [1000, 2000, 2500]


def test_an_aware_time_is_written_in_beijing_time():
    data = write_xlsx([SheetSpec("单位", COLUMNS, rows())])
    cell = load_workbook(io.BytesIO(data)).active["D9"]
    assert cell.value == dt.datetime(2015, 6, 1, 8, 30)
    assert cell.number_format == "yyyy-mm-dd hh:mm"
    shanghai = dt.datetime(2015, 6, 1, 8, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    text = write_csv([Column("时间")], [[shanghai.astimezone(UTC)]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["2015-06-01 08:30:00"]


def test_csv_to_a_file():
    out = io.BytesIO()
    assert write_csv([Column("名称")], [["=1+1"], ["扎西"]], out) is None
    assert out.getvalue().decode("utf-8-sig").splitlines() == ["名称", "'=1+1", "扎西"]
