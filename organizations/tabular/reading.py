"""Reading uploaded tables. Step one of every import: bytes → rows of cells.

The type is decided by the file's bytes, never its name. An .xlsx is a zip:
its central directory is checked (entry count, declared uncompressed size,
compression ratio) before anything is decompressed, then python-calamine
parses it (Rust; it does not expand XML entities). A .csv is decoded as UTF-8
(with or without BOM) or, failing that, GB18030, as Chinese Excel saves it.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook

MAX_ZIP_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; the message says why in a clerk's words."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)


def read_table(file: IO[bytes], *, max_bytes: int | None = None) -> Table:
    max_bytes = max_bytes or settings.IMPORT_MAX_UPLOAD_BYTES
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size == 0:
        raise SpreadsheetError("文件是空的。")
    if size > max_bytes:
        raise SpreadsheetError(
            f"文件过大（{size // 1024 // 1024} MB），上限为 {max_bytes // 1024 // 1024} MB。"
        )
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(file)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError("这是旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 后再上传。")
    if head.startswith(b"%PDF") or head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8"):
        raise SpreadsheetError("这不是表格文件，请上传 .xlsx 或 .csv。")
    return _read_csv(file.read())


def _check_zip(file: IO[bytes]) -> None:
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise SpreadsheetError("文件已损坏，不是有效的 .xlsx 文件。") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise SpreadsheetError("文件结构异常（包含的部件过多），已拒绝。")
    declared = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    if declared > MAX_UNCOMPRESSED_BYTES or declared / compressed > MAX_COMPRESSION_RATIO:
        raise SpreadsheetError("文件解压后体积异常（疑似压缩炸弹），已拒绝。")
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError("这不是 Excel 工作簿（.xlsx），请上传 .xlsx 或 .csv。")
    file.seek(0)


def _read_xlsx(file: IO[bytes]) -> Table:
    _check_zip(file)
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
        headers = next(rows, None)
    except CalamineError as error:
        raise SpreadsheetError(f"无法读取该 .xlsx 文件：{error}") from None
    if headers is None:
        raise SpreadsheetError("第一个工作表是空的。")
    return Table([cell_text(h) for h in headers], _numbered(rows))


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise SpreadsheetError("这不是文本表格（含有二进制内容），请上传 .xlsx 或 .csv。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError("无法识别文件编码，请以 UTF-8 或 GB18030（Excel 默认）保存 CSV。")


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    headers = next(reader, None)
    if headers is None:
        raise SpreadsheetError("文件是空的。")
    return Table([h.strip() for h in headers], _numbered(reader))


def _numbered(rows) -> Iterator[tuple[int, list[Any]]]:
    for number, row in enumerate(rows, start=2):
        if any(cell not in ("", None) for cell in row):
            yield number, list(row)


def cell_text(value: Any) -> str:
    """A cell as text: integral floats lose their '.0', None becomes ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
