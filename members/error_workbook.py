"""The error workbook: the clerk's own file back, each bad cell marked.

Every row of the upload is written again with the same headers; a cell with
a problem gets a red fill and a comment giving the message, and a last column
「问题说明」 repeats them (the import ignores unknown columns), so the clerk
fixes the cells in place and uploads the same workbook again.
"""

from __future__ import annotations

import io
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from organizations.tabular.columns import RowError
from organizations.tabular.reading import read_table
from organizations.tabular.writing import neutralize

RED = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
BOLD = Font(bold=True)
PROBLEMS = "问题说明"


def write_error_workbook(file: IO[bytes], errors: list[RowError], fields) -> bytes:
    table = read_table(file)
    headers = [h.strip().lstrip("\ufeff") for h in table.headers]
    # An error names the column by its Chinese header; the file may use the English key.
    column_of = {}
    for f in fields:
        for name in (f.header, f.key):
            if name in headers:
                column_of[f.header] = headers.index(name)
    by_row: dict[int, list[RowError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("会员名册（请改正标红单元格）")
    sheet.freeze_panes = "A2"
    header_cells = []
    for text in [*headers, PROBLEMS]:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = BOLD
        header_cells.append(cell)
    sheet.append(header_cells)
    for number, cells in table.rows:
        row_errors = by_row.get(number, [])
        bad = {}
        for error in row_errors:
            bad.setdefault(column_of.get(error.column, -1), []).append(error.message)
        out = []
        for index in range(len(headers)):
            value = cells[index] if index < len(cells) else None
            # IDs and phones stay text so Excel does not round them.
            cell = WriteOnlyCell(sheet, value=neutralize(value) if isinstance(value, str) else value)
            if index in bad:
                cell.fill = RED
                cell.comment = Comment("；".join(bad[index]), "系统检查")
            out.append(cell)
        out.append(WriteOnlyCell(sheet, value=neutralize("；".join(str(e) for e in row_errors))))
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
