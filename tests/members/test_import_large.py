"""The member import at scale: chunk boundaries, files past the old 200,000-row cap, and
sheets too large for calamine's whole-sheet grid, which are streamed a row at a time."""

import datetime as dt
import io

import pytest
import xlsxwriter

from members import importer as member_importer
from members.idnumber import make_id_number
from members.importer import MemberImporter
from members.models import Member, Membership
from organizations.tabular import reading
from organizations.tabular.reading import SpreadsheetError, read_table
from tests.factories import MemberFactory
from tests.members.helpers import HEADERS, csv_file, import_twice_at_once, person_id, roster_row, workplace


def run(user, rows):
    return MemberImporter(user).run(csv_file(rows))


def xlsx_roster(rows) -> io.BytesIO:
    """A roster as Excel writes it: shared strings, the date as a date-formatted number."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADERS)
    for n, row in enumerate(rows, start=1):
        for column, header in enumerate(HEADERS):
            value = row[header]
            if header == "入会日期":
                sheet.write_datetime(n, column, dt.datetime.fromisoformat(value), date_format)
            elif value:
                sheet.write_string(n, column, value)
    workbook.close()
    buffer.seek(0)
    return buffer


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(member_importer, "CHUNK", 100)


@pytest.mark.django_db
def test_a_bad_row_in_the_last_chunk_undoes_the_chunks_already_written(county, small_chunks):
    enterprise, union = workplace()
    rows = [roster_row(enterprise, union, id_number=person_id(n)) for n in range(1, 451)]
    rows[420]["民族"] = "火星族"
    result = run(county, rows)
    assert result.total == 450 and result.saved == 0
    assert [(e.row, e.column) for e in result.errors] == [(422, "民族")]
    assert Member.objects.count() == 0 and Membership.objects.count() == 0


@pytest.mark.django_db
def test_text_with_backslashes_tabs_and_line_breaks_is_saved_as_written(county):
    enterprise, union = workplace()
    # A name holds none of these (organizations.freetext); free text such as the household
    # place may, and COPY must carry them as written.
    rows = [
        roster_row(enterprise, union, name="次仁拉姆", 户籍地="西藏\t那曲\n色尼区 \\N"),
        roster_row(enterprise, union, 户籍地="\\N"),
    ]
    result = run(county, rows)
    assert result.ok and result.saved == 2
    saved = dict(Member.objects.values_list("id_hash", "hukou_place"))
    assert sorted(saved.values()) == ["\\N", "西藏\t那曲\n色尼区 \\N"]
    assert Member.objects.filter(name="次仁拉姆").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_clash_found_while_the_next_chunk_is_checked_saves_nothing(county, small_chunks):
    """Two clerks import the same 300 people, 100 rows a chunk. The second one's first chunk
    is refused by the unique index on its writer thread while its main thread has gone on
    to the next chunk: nothing of it is kept, and every row is named."""
    enterprise, union = workplace()
    MemberFactory()  # the sequences are not reset between transactional tests
    rows = [roster_row(enterprise, union, id_number=person_id(n)) for n in range(8000, 8300)]
    results = import_twice_at_once(county, rows)
    assert sorted(r.ok for r in results) == [False, True]
    loser = next(r for r in results if not r.ok)
    assert loser.saved == 0 and len(loser.errors) == 300
    assert all("在册会员" in e.message for e in loser.errors)
    assert Membership.objects.filter(union=union).count() == 300


@pytest.mark.django_db
def test_the_same_person_in_two_chunks_is_named_with_the_first_row(county, small_chunks):
    enterprise, union = workplace()
    rows = [roster_row(enterprise, union, id_number=person_id(n)) for n in range(1, 251)]
    rows[230]["身份证号"] = rows[3]["身份证号"].lower()
    result = run(county, rows)
    assert [str(e) for e in result.errors] == ["第232行「身份证号」：与第5行是同一人"]
    assert Member.objects.count() == 0


@pytest.mark.django_db
def test_employers_and_unions_are_resolved_once_for_the_whole_file(
    county, small_chunks, django_assert_max_num_queries
):
    enterprise, union = workplace()
    rows = [roster_row(enterprise, union, id_number=person_id(n)) for n in range(1, 1001)]
    # 10 chunks; the employer and union are looked up in the first one only.
    with django_assert_max_num_queries(10 * 6 + 12):
        result = run(county, rows)
    assert result.ok and result.saved == 1000


def test_a_file_past_the_old_200000_row_cap_is_read():
    rows = 250_001
    data = ("a,b\n" + "x,1\n" * rows).encode()
    table = read_table(io.BytesIO(data))
    assert table.headers == ["a", "b"]
    assert sum(1 for _ in table.rows) == rows


def test_the_row_limit_still_holds(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 1000)
    table = read_table(io.BytesIO(("a,b\n" + "x,1\n" * 1001).encode()))
    with pytest.raises(SpreadsheetError, match="数据超过 1000 行"):
        sum(1 for _ in table.rows)
    assert sum(1 for _ in read_table(io.BytesIO(("a,b\n" + "x,1\n" * 1000).encode())).rows) == 1000


def workbook_of_every_kind() -> bytes:
    """Shared and rich strings, dates with and without time, numbers, booleans, formulas,
    empty cells and an empty row, entities, a second sheet."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("名册")
    day, moment = (
        workbook.add_format({"num_format": 14}),
        workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    )
    chinese_day = workbook.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    sheet.write_row(0, 0, ["名字", "身份证号", "日期", "数", "布尔", "空"])
    sheet.write_row(1, 0, ["扎西 & <次仁>", "54010019600101100X"])
    sheet.write_datetime(1, 2, dt.datetime(2015, 3, 1), day)
    sheet.write_row(1, 3, [30, True])
    sheet.write_row(3, 0, ["卓玛", "=1+1"])
    sheet.write_datetime(3, 2, dt.datetime(2015, 3, 1, 10, 30), moment)
    sheet.write_row(3, 3, [1.5, False, "z"])
    sheet.write_rich_string(4, 0, "富", workbook.add_format({"bold": True}), "文本")
    sheet.write_datetime(4, 2, dt.datetime(2016, 2, 29), chinese_day)
    workbook.add_worksheet("另一个").write(0, 0, "不读")
    workbook.close()
    return buffer.getvalue()


def cells_of(data: bytes, monkeypatch, *, stream: bool):
    monkeypatch.setattr(reading, "CALAMINE_MAX_CELLS", -1 if stream else 10**9)
    table = read_table(io.BytesIO(data))
    width = len(table.headers)
    return table.headers, [(n, (list(cells) + [""] * width)[:width]) for n, cells in table.rows]


@pytest.mark.parametrize("make", [workbook_of_every_kind, lambda: xlsx_roster([]).getvalue()])
def test_a_streamed_sheet_reads_as_calamine_reads_it(make, monkeypatch):
    data = make()
    assert cells_of(data, monkeypatch, stream=True) == cells_of(data, monkeypatch, stream=False)


def test_a_streamed_sheet_keeps_the_checks(monkeypatch):
    monkeypatch.setattr(reading, "CALAMINE_MAX_CELLS", -1)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = workbook.add_worksheet()
    for n in range(30_000):  # past the first megabyte of XML, which the zip check looks at
        sheet.write_row(n, 0, ["a", "b", "c"])
    sheet.write(30_000, 300, "far")
    workbook.close()
    table = read_table(io.BytesIO(buffer.getvalue()))
    with pytest.raises(SpreadsheetError, match="第30001行有第301列"):
        sum(1 for _ in table.rows)


@pytest.mark.django_db
def test_a_streamed_roster_is_imported_with_the_sheets_row_numbers(county, monkeypatch, small_chunks):
    monkeypatch.setattr(reading, "CALAMINE_MAX_CELLS", -1)
    enterprise, union = workplace()
    rows = [roster_row(enterprise, union, id_number=person_id(n)) for n in range(1, 301)]
    bad = [dict(row) for row in rows]
    bad[250]["所属工会"] = "没有这个工会"
    result = MemberImporter(county).run(xlsx_roster(bad))
    assert [e.row for e in result.errors] == [252] and Member.objects.count() == 0
    result = MemberImporter(county).run(xlsx_roster(rows))
    assert result.ok and result.saved == 300
    assert Membership.objects.filter(union=union, joined_on=dt.date(2015, 3, 1)).count() == 300


@pytest.mark.parametrize(
    "value",
    [
        person_id(5),
        person_id(5).lower(),
        " " + person_id(6),
        person_id(7)[:17] + ("0" if person_id(7)[17] != "0" else "1"),
        "54010219880230123X",
        make_id_number("540102", dt.date(2099, 1, 1), 123),
        make_id_number("540102", dt.date(1899, 12, 31), 123),
        "540102880229123",
        "54010219880229A23X",
        "５４０１０２１９９００５１７１２３Ｘ",
        540102199005171234.0,
    ],
)
def test_the_fast_id_path_answers_as_parse_id_number(value):
    fast = member_importer._IdParser(dt.date.today())

    def outcome(parse):
        try:
            return parse(value)
        except ValueError as error:
            return str(error)

    assert outcome(fast) == outcome(member_importer.parse_id_cell)
