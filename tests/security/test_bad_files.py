"""Twenty-odd bad files, each fed through the import pipeline: every one is refused
with a clear Chinese message, nothing is saved, and the process survives.

The files are made here, byte by byte where a real tool would not produce them.
The importer is a small concrete one over the shared pipeline (Importer,
Field parsers, read_table), writing enterprises.
"""

import csv
import io
import re
import struct
import zipfile

import pytest
from openpyxl import Workbook

from members.idnumber import make_id_number, parse_id_number
from organizations.creditcode import normalize_credit_code
from organizations.models import Area, AuditAction, AuditEntry, Enterprise
from organizations.tabular import reading
from organizations.tabular.columns import Field, parse_count
from organizations.tabular.importer import Importer
from tests.factories import next_credit_code

HEADERS = ["单位名称", "统一社会信用代码", "负责人身份证号", "职工人数"]
GOOD_ID = make_id_number("540102", __import__("datetime").date(1988, 3, 9), 11)


def _parse_id(value) -> str:
    return parse_id_number(str(value)).value


class RosterImporter(Importer):
    name = "security_roster"
    title = "单位名册"
    fields = [
        Field("name", "单位名称"),
        Field("credit_code", "统一社会信用代码", parse=normalize_credit_code),
        Field("id_number", "负责人身份证号", parse=_parse_id),
        Field("employees", "职工人数", parse=parse_count),
    ]

    def write(self, rows) -> int:
        area = Area.objects.get(code="540102")
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    name=row.values["name"],
                    credit_code=row.values["credit_code"],
                    area=area,
                    employees=row.values["employees"],
                )
                for row in rows
            ]
        )
        return len(rows)


# Building files


def good_row(name="拉萨城关建筑有限公司", employees=30):
    return [name, next_credit_code(), GOOD_ID, employees]


def csv_bytes(rows, encoding="utf-8-sig", delimiter=","):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with_parts(replace: dict[str, bytes], rows=None) -> bytes:
    """A real workbook with some of its parts replaced by hand-made XML."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows or [good_row()])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
    return buffer.getvalue()


SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet_xml(body: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f"<worksheet {SHEET_NS}><sheetData>{body}</sheetData></worksheet>"
    ).encode()


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


HEADER_ROW = inline_row(1, HEADERS)
BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)
XXE = '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


def declared_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size the central directory declares for one entry."""
    data = bytearray(data)
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length].decode() == name:
            struct.pack_into("<I", data, start + 24, size)
        start += 4
    return bytes(data)


def encrypted_flag(data: bytes) -> bytes:
    """Mark every entry as encrypted (general purpose bit 0), as a password-protected zip would be."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            flags = struct.unpack_from("<H", data, start + offset)[0]
            struct.pack_into("<H", data, start + offset, flags | 1)
            start += 4
    return bytes(data)


def not_a_workbook_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("说明.txt", "这是一个普通压缩包")
    return buffer.getvalue()


def many_entries_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(1001):
            archive.writestr(f"xl/media/{i}.bin", b"")
    return buffer.getvalue()


def broken_encoding_csv() -> bytes:
    data = "单位名称,统一社会信用代码\n".encode() + b"\xff\xfe\x80\x81\xff,\xfe\xff\x80\n"
    # Neither UTF-8 nor GB18030 accepts these bytes (and there is no UTF-16 BOM at the start).
    for encoding in ("utf-8", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            data.decode(encoding)
    return data


# (file name as uploaded, bytes, a fragment of the expected message)
BAD_FILES = {
    "empty": ("名册.xlsx", lambda: b"", "文件是空的"),
    "pdf_renamed": ("名册.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n", "PDF"),
    "png_renamed": ("名册.csv", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "PNG"),
    "exe_renamed": ("名册.xlsx", lambda: b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 200, "Windows 程序"),
    "old_xls": ("名册.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 .xls"),
    "html_as_xls": (
        "名册.xls",
        lambda: "<html><body><table><tr><td>单位名称</td></tr></table>".encode(),
        "网页",
    ),
    "zip_not_workbook": ("名册.xlsx", not_a_workbook_zip, "不是 Excel 工作簿"),
    "zip_bomb": ("名册.xlsx", zip_bomb, "压缩炸弹"),
    "huge_declared_size": (
        "名册.xlsx",
        lambda: declared_size(xlsx_bytes([good_row()]), "xl/worksheets/sheet1.xml", 3 * 1024**3),
        "压缩炸弹",
    ),
    "lying_declared_size": (
        "名册.xlsx",
        lambda: declared_size(xlsx_bytes([good_row() for _ in range(50)]), "xl/worksheets/sheet1.xml", 100),
        "损坏",
    ),
    "too_many_parts": ("名册.xlsx", many_entries_zip, "部件过多"),
    "encrypted_zip": ("名册.xlsx", lambda: encrypted_flag(xlsx_bytes([good_row()])), "加密"),
    "billion_laughs": (
        "名册.xlsx",
        lambda: xlsx_with_parts(
            {"xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROW + inline_row(2, ["&lol9;"]), BILLION_LAUGHS)}
        ),
        "DTD",
    ),
    "external_entity": (
        "名册.xlsx",
        lambda: xlsx_with_parts(
            {
                "xl/worksheets/sheet1.xml": sheet_xml(
                    HEADER_ROW + inline_row(2, ["&xxe;"]), XXE.replace("sst", "worksheet")
                )
            }
        ),
        "DTD",
    ),
    "far_away_cell": (
        "名册.xlsx",
        lambda: xlsx_with_parts(
            {
                "xl/worksheets/sheet1.xml": sheet_xml(
                    HEADER_ROW
                    + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
                )
            }
        ),
        "工作表范围过大",
    ),
    "truncated_xlsx": ("名册.xlsx", lambda: xlsx_bytes([good_row() for _ in range(20)])[:2500], "损坏"),
    "header_only_xlsx": ("名册.xlsx", lambda: xlsx_bytes([]), "没有数据行"),
    "header_only_csv": ("名册.csv", lambda: csv_bytes([]), "没有数据行"),
    "wrong_headers": ("名册.csv", lambda: "姓名,电话\n张三,13912345678\n".encode(), "表头缺少以下列"),
    "nul_bytes_csv": ("名册.csv", lambda: csv_bytes([good_row()]) + b"\x00\x00evil,\x00\n", "空字符"),
    "broken_encoding": ("名册.csv", broken_encoding_csv, "无法识别文件编码"),
    "formula_cells_csv": (
        "名册.csv",
        lambda: csv_bytes(
            [good_row('=HYPERLINK("http://evil.example","点击")'), good_row("@SUM(1+1)*cmd|' /C calc'!A0")]
        ),
        "像是公式",
    ),
    "formula_cells_xlsx": ("名册.xlsx", lambda: xlsx_bytes([good_row("+cmd|' /C notepad'!A1")]), "像是公式"),
    "bad_ids_gb18030": (
        "名册.csv",
        lambda: csv_bytes(
            [
                [*good_row()[:2], GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1"), 10],
                [*good_row()[:2], "540102880309011", 10],
                [*good_row()[:2], "540102198802300111", 10],
            ],
            encoding="gb18030",
        ),
        "身份证号",
    ),
    "bad_ids_utf16": (
        "名册.txt",
        lambda: csv_bytes([[*good_row()[:2], "54010219880309", 10]], encoding="utf-16", delimiter="\t"),
        "身份证号应为18位",
    ),
    "one_bad_row_among_good": (
        "名册.csv",
        lambda: csv_bytes([good_row(), good_row(), [*good_row()[:3], "很多"]]),
        "第4行「职工人数」",
    ),
}

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def importer(county):
    return RosterImporter(county)


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_is_refused_clearly_and_nothing_is_saved(case, importer):
    _name, make, expected = BAD_FILES[case]
    before = Enterprise.objects.count()

    result = importer.run(io.BytesIO(make()))

    messages = [result.file_error] if result.file_error else [str(error) for error in result.errors]
    assert not result.ok
    assert any(expected in message for message in messages), messages
    assert all(CHINESE.search(message) for message in messages)
    assert Enterprise.objects.count() == before
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()


def read_whole(data: bytes, monkeypatch, *, stream: bool) -> str:
    """What reading the file to its last row says: the refusal, or how many rows it gave."""
    monkeypatch.setattr(reading, "CALAMINE_MAX_CELLS", -1 if stream else 10**9)
    try:
        return f"{sum(1 for _ in reading.read_table(io.BytesIO(data)).rows)} rows"
    except reading.SpreadsheetError as error:
        return str(error)


@pytest.mark.parametrize("case", [name for name, (file, _, _) in BAD_FILES.items() if file.endswith(".xlsx")])
def test_a_sheet_too_large_for_calamine_is_streamed_and_refused_as_the_same_workbook(case, monkeypatch):
    _, make, expected = BAD_FILES[case]
    data = make()
    whole_sheet = read_whole(data, monkeypatch, stream=False)
    streamed = read_whole(data, monkeypatch, stream=True)
    if whole_sheet.endswith(" rows"):
        assert streamed == whole_sheet  # refused later, by the importer, in both cases
    else:
        assert expected in whole_sheet and expected in streamed


def test_the_corpus_has_at_least_twenty_files():
    assert len(BAD_FILES) >= 20


def test_row_errors_name_the_row_the_column_and_the_fix(importer):
    data = csv_bytes([good_row(), [*good_row()[:2], "540102198802300111", "二十"]], encoding="gb18030")
    result = importer.run(io.BytesIO(data))
    errors = [str(error) for error in result.errors]
    assert "第3行「负责人身份证号」：身份证号中的出生日期 19880230 不存在" in errors
    assert any(e.startswith("第3行「职工人数」：“二十”应为不小于0的整数") for e in errors)


@pytest.mark.parametrize(
    "encoding,delimiter",
    [("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","), ("utf-16", "\t")],
)
def test_good_text_files_in_every_encoding_are_saved(importer, encoding, delimiter):
    data = csv_bytes([good_row("那曲物流有限公司"), good_row("日喀则家政服务中心")], encoding, delimiter)
    result = importer.run(io.BytesIO(data))
    assert result.ok, result.errors or result.file_error
    assert set(Enterprise.objects.values_list("name", flat=True)) == {
        "那曲物流有限公司",
        "日喀则家政服务中心",
    }


def test_a_good_workbook_is_saved_and_negative_looking_numbers_are_not_formulas(importer):
    result = importer.run(io.BytesIO(xlsx_bytes([good_row("-拉萨-饮用水厂"), good_row("林芝旅游公司")])))
    assert result.ok, result.errors or result.file_error
    assert Enterprise.objects.count() == 2


def test_invisible_control_characters_are_removed(importer):
    workbook = xlsx_with_parts(
        {
            "xl/worksheets/sheet1.xml": sheet_xml(
                HEADER_ROW + inline_row(2, ["山南_x0007_建材厂", next_credit_code(), GOOD_ID, "12"])
            )
        }
    )
    result = importer.run(io.BytesIO(workbook))
    assert result.ok, result.errors or result.file_error
    assert Enterprise.objects.get().name == "山南建材厂"


def test_an_oversized_upload_is_refused_before_it_is_read(importer, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    result = importer.run(io.BytesIO(csv_bytes([good_row()]) + b" " * (2 * 1024 * 1024)))
    assert "文件过大（2 MB），上限为 1 MB" in result.file_error


def test_a_sheet_whose_cells_omit_their_position_is_still_measured(importer):
    """Cells without r="…" are placed one after another; a wide one is caught all the same."""
    cells = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(400))
    workbook = xlsx_with_parts({"xl/worksheets/sheet1.xml": sheet_xml(HEADER_ROW + f"<row>{cells}</row>")})
    assert "工作表范围过大" in importer.run(io.BytesIO(workbook)).file_error


@pytest.mark.parametrize("persona", ["hq_viewer"])
def test_a_read_only_account_cannot_import_by_any_path(persona, request):
    user = request.getfixturevalue(persona)
    result = RosterImporter(user).run(io.BytesIO(csv_bytes([good_row()])))
    assert result.file_error == "该账号没有导入权限（只读账号不能导入）。"
    assert not Enterprise.objects.exists()
