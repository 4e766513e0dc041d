"""The official forms (正式报表) as .xlsx, in openpyxl's normal mode for styling.

Two forms: the bimonthly progress table (one column per reporting unit: the
seven prefectures, the federation and the whole region) and the year-end
acceptance table (one row per unit, each item's actual value and points).
Each has a title, the reporting unit and period, the date, signature lines,
frozen headers, number and percent formats, and A4 landscape print settings.

Values come from drives.figures: a unit's standing report supplies the
figures it froze when submitted (and says so), any other unit its figures at
the period's end as every page reads them.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from drives.models import Drive
from drives.periods import Period
from drives.rollup import snapshot_day
from drives.snapshots import figures_at
from organizations.scopes import Scope
from organizations.tabular.writing import neutralize
from reports.acceptance import Item, assess_many
from reports.figure_rows import FIGURE_ROWS
from reports.models import Acceptance, ProgressReport, ReportStatus
from reports.units import all_units

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="SimSun", size=16, bold=True)
HEAD_FONT = Font(name="SimSun", size=11, bold=True)
BODY_FONT = Font(name="SimSun", size=11)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
INTEGER = "#,##0"
PERCENT = "0.0%"
SCORE = "0.0"
ISSUER = "西藏自治区总工会组织部"

Progress = Callable[[int, int], None]


def _setup(ws, title: str, subtitle: str, width: int, today: dt.date) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1, title).font = TITLE_FONT
    ws.cell(1, 1).alignment = CENTER
    ws.row_dimensions[1].height = 30
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(2, 1, f"填报单位：{ISSUER}    {subtitle}    制表日期：{today:%Y年%m月%d日}").font = BODY_FONT
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_title_rows = "3:3"


def _head(ws, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row, col, text)
        cell.font, cell.fill, cell.alignment, cell.border = HEAD_FONT, HEAD_FILL, CENTER, BOX
    ws.row_dimensions[row].height = 36


def _signatures(ws, row: int, width: int) -> None:
    ws.cell(row + 1, 1, "单位负责人（签字）：").font = BODY_FONT
    ws.cell(row + 1, max(2, width // 2), "审核人（签字）：").font = BODY_FONT
    ws.cell(row + 2, 1, "填表人（签字）：").font = BODY_FONT
    ws.cell(row + 2, max(2, width // 2), "（盖章）").font = BODY_FONT


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def progress_columns(drive: Drive, period: Period) -> list[tuple[str, dict, str]]:
    """(heading, figures, status note) for each unit and the whole region, in form order.

    A unit with a standing report (ProgressReport.objects.standing(): the accepted
    version stands while its correction is under way) shows the figures it froze
    when it was submitted; any other unit, and the region, the figures at the
    period's end as every page reads them (drives.snapshots.figures_at)."""
    units = all_units()
    day = snapshot_day(period)
    live = figures_at([u.scope for u in units] + [Scope.region()], day, drive=drive)
    reports = ProgressReport.objects.filter(drive=drive, period=period.name)
    standing = {key: report for (key, _p), report in reports.standing().items()}
    latest = {r.unit_key: r for r in reports if r.is_latest}
    columns = []
    for unit in units:
        report = standing.get(unit.key)
        newest = latest.get(unit.key)
        if report is not None:
            note = (
                f"{report.get_status_display()}（{timezone.localtime(report.submitted_at):%Y-%m-%d}报送数据）"
            )
            if newest is not None and newest.pk != report.pk:
                note += f"；第{newest.version}版更正{newest.get_status_display()}"
            columns.append((unit.label, report.figures, note))
        elif newest is not None and newest.status == ReportStatus.RETURNED:
            columns.append((unit.label, live[unit.scope.key], "已退回、未重新报送（系统数据）"))
        else:
            columns.append((unit.label, live[unit.scope.key], "未报送（系统数据）"))
    columns.append(("全区", live[""], "系统数据"))
    return columns


def progress_table(
    drive: Drive, period: Period, *, today: dt.date, progress: Progress | None = None
) -> bytes:
    columns = progress_columns(drive, period)
    wb = Workbook()
    ws = wb.active
    ws.title = period.name
    width = len(columns) + 1
    _setup(
        ws,
        f"{drive.name}双月进展统计表",
        f"统计期：{period.label}（截至{period.end:%Y年%m月%d日}）",
        width,
        today,
    )
    _head(ws, 3, ["指标", *(heading for heading, _f, _n in columns)])
    ws.column_dimensions["A"].width = 30
    for col in range(2, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14
    for i, row in enumerate(FIGURE_ROWS, start=4):
        ws.cell(i, 1, str(row.label)).border = BOX
        for col, (_heading, values, _note) in enumerate(columns, start=2):
            cell = ws.cell(i, col, values.get(row.name))
            cell.number_format = PERCENT if row.is_ratio else INTEGER
            cell.border, cell.font = BOX, BODY_FONT
        if progress:
            progress(i - 3, len(FIGURE_ROWS))
    status_row = 4 + len(FIGURE_ROWS)
    ws.cell(status_row, 1, "报送状态").border = BOX
    for col, (_h, _v, note) in enumerate(columns, start=2):
        ws.cell(status_row, col, note).border = BOX
    ws.freeze_panes = "B4"
    ws.print_area = f"A1:{get_column_letter(width)}{status_row + 2}"
    _signatures(ws, status_row + 1, width)
    return _save(wb)


def acceptance_rows(drive: Drive) -> list[tuple[str, list[Item] | list[dict], float]]:
    """(unit, items, score) per unit: a finalised acceptance as stored, any other assessed now."""
    stored = {a.unit_key: a for a in Acceptance.objects.filter(drive=drive) if a.is_final}
    units = all_units()
    live = assess_many(drive, [unit for unit in units if unit.key not in stored])
    rows = []
    for unit in units:
        acceptance = stored.get(unit.key)
        if acceptance is not None:
            rows.append((unit.label, acceptance.items, float(acceptance.score)))
        else:
            items, score = live[unit.key]
            rows.append((unit.label, [vars(i) for i in items], score))
    return rows


def acceptance_table(drive: Drive, *, today: dt.date, progress: Progress | None = None) -> bytes:
    rows = acceptance_rows(drive)
    labels = [item["label"] for item in rows[0][1]] if rows else []
    wb = Workbook()
    ws = wb.active
    ws.title = f"{drive.year}考核验收"
    width = 2 + 2 * len(labels)
    _setup(ws, f"{drive.name}年终考核验收表", f"考核年度：{drive.year}年", width, today)
    headers = ["单位"]
    for label in labels:
        headers += [f"{label}\n实际", f"{label}\n得分"]
    headers.append("总分")
    _head(ws, 3, headers)
    ws.column_dimensions["A"].width = 22
    for col in range(2, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 11
    for r, (unit, items, score) in enumerate(rows, start=4):
        ws.cell(r, 1, neutralize(unit)).border = BOX
        col = 2
        for item in items:
            actual = ws.cell(r, col, item["actual"] if item["applies"] else "不适用")
            actual.number_format = PERCENT if item["is_ratio"] else INTEGER
            points = ws.cell(r, col + 1, item["points"] if item["applies"] else None)
            points.number_format = SCORE
            actual.border = points.border = BOX
            col += 2
        total = ws.cell(r, col, score)
        total.number_format, total.border, total.font = SCORE, BOX, HEAD_FONT
        if progress:
            progress(r - 3, len(rows))
    last = 3 + len(rows)
    ws.cell(
        last + 1,
        1,
        "评分规则：每项得分＝权重×min(实际/目标,1)；不适用项目不计，其余权重按比例折算，满分100分。",
    )
    ws.freeze_panes = "B4"
    ws.print_area = f"A1:{get_column_letter(width)}{last + 3}"
    _signatures(ws, last + 2, width)
    return _save(wb)
