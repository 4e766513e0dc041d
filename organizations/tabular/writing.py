"""Writing tables: .xlsx (openpyxl, write-only, constant memory) and .csv.

Exporters only yield rows; this module does the formatting. Any text cell
that a spreadsheet would read as a formula (= + - @, tab, CR) is prefixed
with an apostrophe so it stays text.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# How often (in rows) write_xlsx / write_csv report progress.
PROGRESS_EVERY = 1000

Progress = Callable[[int], None]


def neutralize(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    # Control characters cannot be stored in a worksheet (openpyxl refuses the
    # whole export); they are invisible, so they are dropped. isprintable() is
    # one C call and true for nearly every cell, so the regex runs only when a
    # cell holds something unusual (a control character, a line break, a
    # non-ASCII space).
    if not value.isprintable():
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass
class Column:
    header: str
    width: int = 14
    number_format: str | None = None  # e.g. "0", "0.0%", "yyyy-mm-dd"


@dataclass
class SheetSpec:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    caption: list[str] = field(default_factory=list)  # lines above the header (official forms)


def write_xlsx(
    sheets: Sequence[SheetSpec],
    out: io.BufferedIOBase | None = None,
    progress: Progress | None = None,
) -> bytes | None:
    """Write sheets to out (or return bytes). Rows stream: memory stays flat.

    progress, if given, is called with the number of body rows written so far
    (across all sheets) every PROGRESS_EVERY rows and once at the end.
    """
    workbook = Workbook(write_only=True)
    written = 0
    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        header_row = len(spec.caption) + 1
        sheet.freeze_panes = f"A{header_row + 1}"
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        for line in spec.caption:
            cell = WriteOnlyCell(sheet, value=neutralize(line))
            cell.font = HEADER_FONT
            sheet.append([cell])
        sheet.append([_header_cell(sheet, c.header) for c in spec.columns])
        written = _write_body(sheet, spec, written, progress)
    if progress is not None:
        progress(written)
    if out is None:
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    workbook.save(out)
    return None


def _write_body(sheet, spec: SheetSpec, written: int, progress: Progress | None) -> int:
    """Append spec's rows to sheet; returns the running row count.

    The hot loop of every export, kept free of per-cell objects of our own:
    plain values go to openpyxl as they are; a value that needs a number
    format (a formatted column, or any date) goes in one WriteOnlyCell per
    column and format, made once and given each row's value (a write-only
    sheet serialises a row as it is appended, so the cell is free again for
    the next row). Dates are written as Excel serial numbers under a date
    format, which is what a date cell is in the file (a reader gets the date
    back), converted once per distinct day.
    """
    columns = list(spec.columns)
    formats = [c.number_format for c in columns]
    width = len(columns)
    styled: dict[tuple[int, str], WriteOnlyCell] = {}
    serials: dict[dt.date, int] = {}
    epoch = sheet.parent.epoch
    triggers = FORMULA_TRIGGERS

    def formatted(index: int, value: Any, number_format: str) -> WriteOnlyCell:
        cell = styled.get((index, number_format))
        if cell is None:
            cell = styled[index, number_format] = WriteOnlyCell(sheet)
            cell.number_format = number_format
        cell.value = value
        return cell

    append = sheet.append
    for row in spec.rows:
        out = []
        for index, value in enumerate(row):
            if index >= width:
                break
            kind = type(value)
            if kind is str:
                if not value.isprintable():
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if value.startswith(triggers):
                    value = "'" + value
            elif value is None:
                out.append(None)
                continue
            elif kind is dt.date:
                serial = serials.get(value)
                if serial is None:
                    serial = serials[value] = to_excel(value, epoch)
                out.append(formatted(index, serial, formats[index] or DATE_FORMAT))
                continue
            elif kind is dt.datetime:
                if value.tzinfo is not None:
                    value = timezone.localtime(value)
                value = to_excel(value.replace(tzinfo=None), epoch)
                out.append(formatted(index, value, formats[index] or DATETIME_FORMAT))
                continue
            elif not isinstance(value, int | float) or kind is bool:
                value = neutralize(value)  # other types (Decimal, a str subclass): the general path
            number_format = formats[index]
            out.append(value if number_format is None else formatted(index, value, number_format))
        append(out)
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    return written


def _header_cell(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=neutralize(text))
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = timezone.localtime(value).replace(tzinfo=None)
    return neutralize(value if isinstance(value, str) else str(value))


def write_csv(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    out: io.BufferedIOBase | None = None,
    progress: Progress | None = None,
) -> bytes | None:
    """UTF-8 with BOM, so Chinese Excel opens it with the right encoding.

    Written to out (a binary file) when given, otherwise returned as bytes.
    """
    buffer = io.StringIO() if out is None else io.TextIOWrapper(out, encoding="utf-8", newline="")
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([neutralize(c.header) for c in columns])
    written = 0
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        written += 1
        if progress is not None and written % PROGRESS_EVERY == 0:
            progress(written)
    if progress is not None:
        progress(written)
    if out is None:
        return buffer.getvalue().encode("utf-8")
    buffer.flush()
    buffer.detach()
    return None


def write_template(
    title: str,
    headers: Sequence[str],
    example: Sequence[Any],
    choices: dict[int, Sequence[str]] | None = None,
    notes: Sequence[str] = (),
) -> bytes:
    """An import template: headers, one example row, dropdowns for the columns in choices
    (0-based column index → allowed values), and a second sheet of notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    sheet.append([neutralize(v) for v in example])
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 4)
        sheet.cell(row=1, column=index).font = HEADER_FONT
        sheet.cell(row=1, column=index).fill = HEADER_FILL
    if choices:
        lists = workbook.create_sheet("选项")
        for offset, (index, values) in enumerate(sorted(choices.items()), start=1):
            letter = get_column_letter(offset)
            lists.cell(row=1, column=offset, value=headers[index])
            for row, value in enumerate(values, start=2):
                lists.cell(row=row, column=offset, value=value)
            validation = DataValidation(
                type="list",
                formula1=f"'选项'!${letter}$2:${letter}${len(values) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="无效的值",
                error=f"请从下拉列表中选择{headers[index]}",
            )
            column = get_column_letter(index + 1)
            validation.add(f"{column}2:{column}10000")
            sheet.add_data_validation(validation)
    if notes:
        help_sheet = workbook.create_sheet("填写说明")
        help_sheet.column_dimensions["A"].width = 100
        for line in notes:
            help_sheet.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
