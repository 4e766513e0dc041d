"""Reading uploaded tables. Step one of every import: bytes → rows of cells.

The type is decided by the file's bytes, never its name. An .xlsx is a zip:
its central directory is checked (entry count, declared uncompressed size,
compression ratio), then every XML part is decompressed once, in chunks,
before python-calamine parses the workbook. That pass refuses a DTD (the way
in for entity bombs: only expat with every declaration refused reads the
prolog, as defusedxml would), a part whose real size differs from the declared
one (zipfile checks the size and CRC), and a sheet whose furthest cell lies so
far away that calamine, which holds a sheet as a dense grid, would need
gigabytes. Calamine itself never expands entities. A workbook that carries
macros (a VBA project part, or a macro-enabled content type, as .xlsm files do)
is refused whatever its name.
A .csv is decoded as UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's
"Unicode text") or, failing those, GB18030, as Chinese Excel saves it.
Invisible control characters are removed from every cell.
"""

import csv
import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, Any
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext
from python_calamine import CalamineError, CalamineWorkbook

MAX_ZIP_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ROWS = 1_000_000
MAX_COLUMNS = 300
# Calamine keeps a whole sheet in memory as a grid of (rows × columns) cells, about
# 100 bytes each with their text (100 MB for 100,000 rows of 10 columns). A sheet
# whose grid is larger is streamed instead (_SheetRows), so memory stays flat.
CALAMINE_MAX_CELLS = 1_500_000

# Leading bytes of files people upload by mistake, and what to tell them.
_NOT_A_TABLE = "这不是表格文件（{kind}），请上传 .xlsx 或 .csv。"
_SIGNATURES = [
    (b"%PDF", "PDF 文档"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"MZ", "Windows 程序"),
    (b"\x7fELF", "程序文件"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
    (b"{\\rtf", "RTF 文档"),
]
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


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
    if head.startswith(b"PK"):
        raise SpreadsheetError("文件已损坏，不是有效的 .xlsx 文件。")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            "这是旧版 .xls 文件或设置了打开密码的工作簿，请在 Excel 中取消密码并“另存为” .xlsx 后再上传。"
        )
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            raise SpreadsheetError(_NOT_A_TABLE.format(kind=kind))
    return _read_csv(file.read())


# .xlsx


def _check_zip(file: IO[bytes]) -> int:
    """Check the archive and its XML parts; return the largest worksheet grid (rows × columns),
    or a number above CALAMINE_MAX_CELLS as soon as one is known to be larger."""
    cells = 0
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            _check_entries(entries)
            _refuse_macros(archive, entries)
            for entry in entries:
                if entry.filename.endswith((".xml", ".rels")):
                    cells = max(cells, _inspect_part(archive, entry))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError):
        raise SpreadsheetError("文件已损坏或不完整，不是有效的 .xlsx 文件。") from None
    file.seek(0)
    return cells


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ZIP_ENTRIES:
        raise SpreadsheetError("文件结构异常（包含的部件过多），已拒绝。")
    declared = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries) or 1
    if declared > MAX_UNCOMPRESSED_BYTES or declared / compressed > MAX_COMPRESSION_RATIO:
        raise SpreadsheetError("文件解压后体积异常（疑似压缩炸弹），已拒绝。")
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise SpreadsheetError("文件已加密，请在 Excel 中取消密码后再上传。")
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError("这不是 Excel 工作簿（.xlsx），请上传 .xlsx 或 .csv。")


# A macro-enabled workbook (.xlsm, .xltm) is a zip like any other: it shows itself by
# its VBA project part and by the content types it declares.
_MACRO_PART = "vbaproject.bin"
_MACRO_TYPES = (b"macroenabled", b"vnd.ms-office.vbaproject")
_CONTENT_TYPES_READ = 1024 * 1024


def _refuse_macros(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook that carries macros: nothing here runs them, but the file would
    be kept and handed back (error workbooks), and a clerk should not be taught that
    macro files are fine to pass around."""
    found = any(posixpath.basename(entry.filename).lower() == _MACRO_PART for entry in entries)
    if not found and "[Content_Types].xml" in archive.namelist():
        with archive.open("[Content_Types].xml") as part:
            declared = part.read(_CONTENT_TYPES_READ).lower()
        found = any(kind in declared for kind in _MACRO_TYPES)
    if found:
        raise SpreadsheetError(
            gettext(
                "这是含有宏的工作簿（.xlsm），出于安全考虑不能导入。"
                "请在 Excel 中“另存为”“Excel 工作簿（.xlsx）”后再上传。"
            )
        )


def _inspect_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> int:
    """Decompress one XML part (zipfile holds it to its declared size and CRC),
    refuse a DTD in its prolog and, for a worksheet, find its furthest cell; return
    the worksheet's grid size (0 for other parts). A worksheet found too large for
    calamine is not scanned further: it will be streamed, and the streaming reader
    checks the rest (rows, columns, XML, size and CRC) as it reads."""
    prolog = _Prolog()
    grid = _Grid() if entry.filename.startswith("xl/worksheets/") else None
    carry = b""
    with archive.open(entry) as stream:
        while chunk := stream.read(1 << 20):
            if not prolog.done:
                prolog.feed(chunk)
            if grid is not None:
                carry = grid.feed(carry + chunk)
                if grid.cells > CALAMINE_MAX_CELLS and prolog.done:
                    grid.check()
                    return grid.cells
    if grid is None:
        return 0
    grid.check()
    return grid.cells


class _RootReached(Exception):
    pass


class _Prolog:
    """Parses a part up to its root element: a DOCTYPE can only appear before it.

    A DTD is how entity bombs (billion laughs) and external entities get in;
    no part of a real workbook has one.
    """

    def __init__(self):
        self.done = False
        self.parser = expat.ParserCreate()
        self.parser.StartDoctypeDeclHandler = self._refuse
        self.parser.EntityDeclHandler = self._refuse
        self.parser.StartElementHandler = self._root

    def feed(self, chunk: bytes) -> None:
        if not self.parser.CurrentByteIndex and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise SpreadsheetError("文件结构异常（内部 XML 不是 UTF-8 编码），已拒绝。")
        try:
            self.parser.Parse(chunk, False)
        except _RootReached:
            self.done = True
        except expat.ExpatError:
            raise SpreadsheetError("文件已损坏（内部 XML 格式错误），不是有效的 .xlsx 文件。") from None

    def _refuse(self, *args) -> None:
        raise SpreadsheetError("文件包含不允许的 XML 声明（DTD 或实体，疑似恶意文件），已拒绝。")

    def _root(self, *args) -> None:
        raise _RootReached


# <row …> and <c …> tags of a worksheet, and the r="…" attribute in them.
_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)\b([^>]*)>")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_WITH_REF = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*["']([A-Z]{1,3})(\d{1,7})["']""")
_PLAIN_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_REF_ATTRIBUTE = re.compile(rb"""\br\s*=\s*["']([^"']*)["']""")
_MAX_TAG_BYTES = 1 << 20


class _Grid:
    """The furthest cell of a worksheet, placed as calamine places it: by its
    r attribute, or after the previous cell of its row when it has none.
    Empty styled cells count too: refusing a rare odd file beats a crash."""

    def __init__(self):
        self.row = self.column = 0
        self.max_row = self.max_column = 0

    def feed(self, data: bytes) -> bytes:
        """Scan the complete tags in data; return the unfinished tail for the next chunk."""
        cut = data.rfind(b"<")
        if cut == -1 or data.find(b">", cut) != -1:
            body, tail = data, b""
        else:
            body, tail = data[:cut], data[cut:]
        if len(tail) > _MAX_TAG_BYTES:
            raise SpreadsheetError("文件结构异常（单元格标记过长），已拒绝。")
        refs = _PLAIN_CELL_REF.findall(body)  # <c r="A1" …>, as Excel and most writers put it
        if len(refs) == body.count(b"<c") and b":c" not in body:
            # Every tag whose name starts with "c" is such a cell: there are no others to count.
            self._see_refs(refs)
            return tail
        cells = _count_cell_tags(body)
        if len(refs) != cells:
            refs = _CELL_WITH_REF.findall(body)
        if len(refs) == cells:
            self._see_refs(refs)  # every cell says where it is (Excel, openpyxl): no need to walk rows
        else:
            self._walk(body)
        return tail

    def _see_refs(self, refs: list[tuple[bytes, bytes]]) -> None:
        if not refs:
            return
        letters = max(set(map(itemgetter(0), refs)), key=lambda c: (len(c), c)).decode()
        self.max_row = max(self.max_row, max(map(int, map(itemgetter(1), refs))))
        self.max_column = max(self.max_column, _position(f"{letters}1", 0, 0)[1])
        self.row, self.column = _position((refs[-1][0] + refs[-1][1]).decode(), 0, 0)

    @property
    def cells(self) -> int:
        return self.max_row * self.max_column

    def _walk(self, body: bytes) -> None:
        for match in _SHEET_TAG.finditer(body):
            name, attributes = match.groups()
            ref = _REF_ATTRIBUTE.search(attributes)
            ref = ref.group(1).decode("ascii", "replace") if ref else ""
            if name == b"row":
                self.row = int(ref) if ref.isdigit() else self.row + 1
                self.column = 0
                continue
            self.row, self.column = _position(ref, self.row, self.column + 1)
            self.max_row = max(self.max_row, self.row)
            self.max_column = max(self.max_column, self.column)

    def check(self) -> None:
        if self.max_row > MAX_ROWS + 1 or self.max_column > MAX_COLUMNS:
            raise SpreadsheetError(
                f"工作表范围过大（最远的单元格在第{self.max_row}行第{self.max_column}列），"
                f"上限为 {MAX_ROWS} 行、{MAX_COLUMNS} 列。请删除多余的行列或拆分文件后再上传。"
            )


def _count_cell_tags(body: bytes) -> int:
    """How many <c> tags body holds: plain counts when every tag is written <c …> (as
    Excel, openpyxl and xlsxwriter write them), the regular expression otherwise."""
    if b":c" in body or b"<c\t" in body or b"<c\n" in body or b"<c\r" in body:
        return len(_CELL_TAG.findall(body))
    return body.count(b"<c ") + body.count(b"<c>") + body.count(b"<c/>")


def _position(ref: str, row: int, column: int) -> tuple[int, int]:
    match = _CELL_REF.match(ref)
    if not match:
        return row, column
    number = 0
    for letter in match.group(1):
        number = number * 26 + ord(letter) - 64
    return int(match.group(2)), number


def _read_xlsx(file: IO[bytes]) -> Table:
    if _check_zip(file) > CALAMINE_MAX_CELLS:
        return _stream_xlsx(file)
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
        headers = next(rows, None)
    except (CalamineError, ValueError, IndexError) as error:
        raise SpreadsheetError(f"无法读取该 .xlsx 文件：{error}") from None
    if headers is None:
        raise SpreadsheetError("第一个工作表是空的。")
    return Table([cell_text(h) for h in headers], _numbered(rows))


# .xlsx too large for calamine's whole-sheet grid: streamed, a row at a time.

_XLSX_DATE_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)}
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_1904_EPOCH = dt.datetime(1904, 1, 1)
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')
_STREAM_CHUNK = 1 << 20


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _parse_part(archive: zipfile.ZipFile, name: str, start, end=None, text=None) -> None:
    """Run expat over one part with the given handlers; a DTD is refused as in _Prolog."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.buffer_text = True
        parser.CharacterDataHandler = text
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(_STREAM_CHUNK):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise SpreadsheetError("文件已损坏（内部 XML 格式错误），不是有效的 .xlsx 文件。") from None


def _refuse_declaration(*args) -> None:
    raise SpreadsheetError("文件包含不允许的 XML 声明（DTD 或实体，疑似恶意文件），已拒绝。")


def _relationships(archive: zipfile.ZipFile, names: set[str]) -> dict[str, tuple[str, str]]:
    """xl/workbook.xml's relationships: id → (type's last word, part name)."""
    found: dict[str, tuple[str, str]] = {}
    if "xl/_rels/workbook.xml.rels" not in names:
        return found

    def start(name, attrs):
        if _local(name) == "Relationship" and "Id" in attrs:
            target = attrs.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            found[attrs["Id"]] = (attrs.get("Type", "").rpartition("/")[2], posixpath.normpath(part))

    _parse_part(archive, "xl/_rels/workbook.xml.rels", start)
    return found


def _is_date_format(code: str) -> bool:
    return any(c in "dmyhs" for c in _FORMAT_NOISE.sub("", code).lower())


class _SharedStrings:
    """The shared string table, kept as UTF-8 in one buffer with offsets: a million
    distinct ID numbers take ~30 MB here rather than ~100 MB as Python strings."""

    def __init__(self):
        self.data = bytearray()
        self.ends = array("Q")

    def add(self, text: str) -> None:
        self.data += text.encode()
        self.ends.append(len(self.data))

    def __getitem__(self, index: int) -> str:
        start = self.ends[index - 1] if index else 0
        return self.data[start : self.ends[index]].decode()


def _load_shared_strings(archive: zipfile.ZipFile, name: str) -> _SharedStrings:
    strings = _SharedStrings()
    parts: list[str] = []
    state = {"depth": 0, "phonetic": False, "text": False}

    def start(tag, attrs):
        local = _local(tag)
        if local == "si":
            parts.clear()
        elif local == "rPh":
            state["phonetic"] = True
        elif local == "t" and not state["phonetic"]:
            state["text"] = True

    def end(tag):
        local = _local(tag)
        if local == "si":
            strings.add("".join(parts))
        elif local == "rPh":
            state["phonetic"] = False
        elif local == "t":
            state["text"] = False

    def text(data):
        if state["text"]:
            parts.append(data)

    _parse_part(archive, name, start, end, text)
    return strings


def _date_styles(archive: zipfile.ZipFile, name: str | None) -> set[str]:
    """The s="…" indexes of cell styles that show numbers as dates."""
    if name is None:
        return set()
    formats: dict[int, str] = {}
    styles: list[int] = []
    state = {"in_cell_xfs": False}

    def start(tag, attrs):
        local = _local(tag)
        if local == "numFmt":
            formats[int(attrs.get("numFmtId", -1))] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            state["in_cell_xfs"] = True
        elif local == "xf" and state["in_cell_xfs"]:
            styles.append(int(attrs.get("numFmtId", 0)))

    def end(tag):
        if _local(tag) == "cellXfs":
            state["in_cell_xfs"] = False

    _parse_part(archive, name, start, end)
    return {
        str(index)
        for index, format_id in enumerate(styles)
        if format_id in _XLSX_DATE_IDS or (format_id in formats and _is_date_format(formats[format_id]))
    }


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


class _SheetRows:
    """The first worksheet's rows, parsed by expat a megabyte at a time.

    Cells come out as python-calamine gives them: text, float, bool, a date (or a
    datetime when it has a time) for a number in a date format, "" for an empty
    cell. Rows are yielded from the first row holding a value, with an empty list
    for each row missing in between, so the numbering matches the sheet's."""

    def __init__(self, archive: zipfile.ZipFile, names: set[str]):
        self.archive = archive
        relationships = _relationships(archive, names)
        workbook = {"sheet": None, "date1904": False}

        def workbook_start(tag, attrs):
            local = _local(tag)
            if local == "sheet" and workbook["sheet"] is None:
                ids = [value for key, value in attrs.items() if key.endswith(":id") or key == "r:id"]
                workbook["sheet"] = ids[0] if ids else None
            elif local == "workbookPr":
                workbook["date1904"] = attrs.get("date1904", "").lower() in ("1", "true")

        _parse_part(archive, "xl/workbook.xml", workbook_start)
        by_type = {kind: part for kind, part in relationships.values()}
        sheet = relationships.get(workbook["sheet"] or "", (None, None))[1]
        if sheet not in names:
            raise SpreadsheetError("第一个工作表是空的。")
        self.sheet = sheet
        strings = by_type.get("sharedStrings")
        self.strings = _load_shared_strings(archive, strings) if strings in names else _SharedStrings()
        styles = by_type.get("styles")
        self.date_styles = _date_styles(archive, styles if styles in names else None)
        self.epoch = _EXCEL_1904_EPOCH if workbook["date1904"] else _EXCEL_EPOCH
        self.columns: dict[str, int] = {}

    def __iter__(self) -> Iterator[list[Any]]:
        ready: list[tuple[int, list[Any]]] = []
        row: list[Any] = []
        text: list[str] = []
        # row number, next column, cell type, cell style, collecting text, inside <rPh>
        state = [0, 0, "n", None, False, False]
        columns = self.columns

        def start(tag, attrs):
            local = tag if ":" not in tag else _local(tag)
            if local == "c":
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    column = columns.get(letters)
                    if column is None:
                        column = columns[letters] = _column_number(letters) - 1
                    state[1] = column
                state[2] = attrs.get("t", "n")
                state[3] = attrs.get("s")
                text.clear()
            elif local == "v" or (local == "t" and not state[5]):
                state[4] = True
            elif local == "row":
                ref = attrs.get("r")
                state[0] = int(ref) if ref and ref.isdigit() else state[0] + 1
                state[1] = 0
                row.clear()
            elif local == "rPh":
                state[5] = True

        def end(tag):
            local = tag if ":" not in tag else _local(tag)
            if local == "c":
                column = state[1]
                if column >= MAX_COLUMNS:
                    raise SpreadsheetError(
                        f"工作表范围过大（第{state[0]}行有第{column + 1}列），上限为 {MAX_COLUMNS} 列。"
                        "请删除多余的列后再上传。"
                    )
                if column >= len(row):
                    row.extend([""] * (column + 1 - len(row)))
                row[column] = self._value(state[2], state[3], "".join(text))
                state[1] = column + 1
            elif local == "v" or local == "t":
                state[4] = False
            elif local == "row":
                ready.append((state[0], list(row)))
            elif local == "rPh":
                state[5] = False

        def data(chunk):
            if state[4]:
                text.append(chunk)

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _refuse_declaration
        parser.EntityDeclHandler = _refuse_declaration
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = data
        previous = None
        try:
            with self.archive.open(self.sheet) as stream:
                while True:
                    chunk = stream.read(_STREAM_CHUNK)
                    parser.Parse(chunk, not chunk)
                    for number, cells in ready:
                        if previous is None:
                            if not any(cell != "" for cell in cells):
                                continue
                        elif number > previous + 1:
                            for _ in range(min(number - previous - 1, MAX_ROWS + 2)):
                                yield []
                        elif number <= previous:
                            number = previous + 1  # rows out of order: take them as they come
                        previous = number
                        yield cells
                    ready.clear()
                    if not chunk:
                        break
        except expat.ExpatError:
            raise SpreadsheetError("文件已损坏（内部 XML 格式错误），不是有效的 .xlsx 文件。") from None
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise SpreadsheetError("文件已损坏或不完整，不是有效的 .xlsx 文件。") from None

    def _value(self, kind: str, style: str | None, text: str) -> Any:
        if kind == "s":
            try:
                return self.strings[int(text)]
            except (ValueError, IndexError):
                raise SpreadsheetError("文件已损坏（共享字符串缺失），不是有效的 .xlsx 文件。") from None
        if kind in ("inlineStr", "str", "e"):
            return text
        if text == "":
            return ""
        if kind == "b":
            return text == "1"
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(text)
            except ValueError:
                return text
        try:
            number = float(text)
        except ValueError:
            return text
        if style is not None and style in self.date_styles:
            try:
                moment = self.epoch + dt.timedelta(days=number)
            except OverflowError:
                return number
            if number < 60 and self.epoch is _EXCEL_EPOCH:
                moment += dt.timedelta(days=1)  # Excel's 1900 counts a 29 February that never was
            return moment.date() if number.is_integer() else moment
        return number


def _stream_xlsx(file: IO[bytes]) -> Table:
    try:
        archive = zipfile.ZipFile(file)
        rows = iter(_SheetRows(archive, set(archive.namelist())))
        headers = next(rows, None)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError):
        raise SpreadsheetError("文件已损坏或不完整，不是有效的 .xlsx 文件。") from None
    if headers is None:
        raise SpreadsheetError("第一个工作表是空的。")
    return Table([cell_text(h) for h in headers], _numbered(rows))


# .csv


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SpreadsheetError("文件编码损坏（UTF-16），请重新保存为 UTF-8 的 CSV 或 .xlsx。") from None
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise SpreadsheetError(
            f"第{line}行含有空字符（二进制内容），这不是文本表格或文件已损坏，请上传 .xlsx 或 .csv。"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError("无法识别文件编码，请以 UTF-8 或 GB18030（Excel 默认）保存 CSV。")


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if "\x00" in text:
        raise SpreadsheetError("文件含有空字符（二进制内容），这不是文本表格或文件已损坏。")
    if text.lstrip().startswith("<"):
        raise SpreadsheetError("这是网页或 XML 文件，不是表格。请在 Excel 中“另存为” .xlsx 后再上传。")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        headers = next(reader, None)
    except csv.Error as error:
        raise SpreadsheetError(f"第1行无法解析：{error}") from None
    if headers is None:
        raise SpreadsheetError("文件是空的。")
    return Table([_clean(h).strip() for h in headers], _numbered(reader))


def _numbered(rows) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) of each row that is not empty, with control characters removed."""
    number = 1
    batch: list[tuple[int, list[Any]]] = []
    try:
        for number, row in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                raise SpreadsheetError(f"数据超过 {MAX_ROWS} 行，请拆分成多个文件上传。")
            batch.append((number, row))
            if len(batch) == 1000:
                yield from _kept(batch)
                batch = []
        yield from _kept(batch)
    except (csv.Error, CalamineError) as error:
        raise SpreadsheetError(f"第{number + 1}行无法解析：{error}") from None


def _kept(batch: list[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
    """The batch's rows that are not empty. One search finds whether any of the batch's text
    has control characters (hardly any file does); only then are its cells cleaned."""
    if _CONTROL_CHARS.search("\n".join([cell for _, row in batch for cell in row if isinstance(cell, str)])):
        batch = [(number, [_clean(cell) for cell in row]) for number, row in batch]
    for number, cells in batch:
        if cells.count("") + cells.count(None) < len(cells):
            yield number, cells


def _clean(value: Any) -> Any:
    """Remove invisible control characters, which no field needs and exports cannot hold."""
    if isinstance(value, str):
        return _CONTROL_CHARS.sub("", value)
    return value


def cell_text(value: Any) -> str:
    """A cell as text: integral floats lose their '.0', None becomes ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
