"""Writing tables: .xlsx (openpyxl, write-only, constant memory) and .csv.

Exporters only yield rows; this module does the formatting. Any text cell
that a spreadsheet would read as a formula (= + - @, tab, CR) is prefixed
with an apostrophe so it stays text.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


def neutralize(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    # Control characters cannot be stored in a worksheet (openpyxl refuses the
    # whole export); they are invisible, so they are dropped.
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


def write_xlsx(sheets: Sequence[SheetSpec], out: io.BufferedIOBase | None = None) -> bytes | None:
    """Write sheets to out (or return bytes). Rows stream: memory stays flat."""
    workbook = Workbook(write_only=True)
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
        formats = [c.number_format for c in spec.columns]
        for row in spec.rows:
            sheet.append([_cell(sheet, value, fmt) for value, fmt in zip(row, formats, strict=False)])
    if out is None:
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    workbook.save(out)
    return None


def _header_cell(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=neutralize(text))
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


def _cell(sheet, value: Any, number_format: str | None) -> Any:
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
        number_format = number_format or "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        number_format = number_format or "yyyy-mm-dd"
    value = neutralize(value)
    if number_format is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def write_csv(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with BOM, so Chinese Excel opens it with the right encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralize(c.header) for c in columns])
    for row in rows:
        writer.writerow(["" if v is None else neutralize(v if isinstance(v, str) else str(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


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
