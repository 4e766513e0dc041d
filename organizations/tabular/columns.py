"""Step two of every import: rows of cells → parsed values, every error collected.

An import declares its Fields (English key, Chinese header, parser). Headers
are matched by either name. Each parser takes the cell and returns a domain
value or raises ValueError with a message a clerk understands; parse_rows
runs them all and returns every problem with its row and column, so a
preview can list them before anything is saved.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from organizations.freetext import clean_free_text, clean_person_name
from organizations.tabular.reading import SpreadsheetError, Table, cell_text

MAX_ERRORS = 1000


def parse_text(value: Any) -> str:
    """Free text, refused where it looks like a formula (organizations.freetext)."""
    return clean_free_text(cell_text(value))


def parse_person_name(value: Any) -> str:
    """A person's name, under the same rule as every form that takes one."""
    return clean_person_name(cell_text(value))


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    parse: Callable[[Any], Any] = parse_text
    required: bool = True


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the Chinese header, as the clerk sees it
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行「{self.column}」：{self.message}"


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    raw: list[Any] = field(default_factory=list)


@dataclass
class Parsed:
    rows: list[ParsedRow]
    errors: list[RowError]
    total: int


def map_headers(headers: list[str], fields: Iterable[Field]) -> dict[str, int]:
    names = {h.strip().lstrip("\ufeff"): i for i, h in enumerate(headers)}
    found, missing = {}, []
    for f in fields:
        index = names.get(f.header, names.get(f.key))
        if index is None:
            if f.required:
                missing.append(f"{f.header}（{f.key}）")
        else:
            found[f.key] = index
    if missing:
        raise SpreadsheetError(
            "表头缺少以下列：" + "、".join(missing) + "。请使用下载的导入模板，第一行为表头。"
        )
    return found


def parse_rows(table: Table, fields: list[Field]) -> Parsed:
    index = map_headers(table.headers, fields)
    rows: list[ParsedRow] = []
    errors: list[RowError] = []
    total = 0
    for number, cells in table.rows:
        total += 1
        if len(errors) >= MAX_ERRORS:
            continue  # the file is refused anyway: count the remaining rows without parsing them
        values: dict[str, Any] = {}
        ok = True
        for f in fields:
            position = index.get(f.key)
            raw = cells[position] if position is not None and position < len(cells) else None
            if raw is None or cell_text(raw) == "":
                if f.required:
                    ok = False
                    errors.append(RowError(number, f.header, "不能为空"))
                values[f.key] = None
                continue
            try:
                values[f.key] = f.parse(raw)
            except ValueError as error:
                ok = False
                errors.append(RowError(number, f.header, str(error)))
        if ok:
            rows.append(ParsedRow(number, values, cells))
    return Parsed(rows, errors, total)


# Parsers shared by the imports.

_YES = {"是", "有", "y", "yes", "true", "1", "√"}
_NO = {"否", "无", "n", "no", "false", "0", "×"}


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"“{cell_text(value)}”应为“是”或“否”")


def parse_count(value: Any) -> int:
    text = cell_text(value).replace(",", "")
    if not re.fullmatch(r"\d+", text):
        raise ValueError(f"“{cell_text(value)}”应为不小于0的整数")
    number = int(text)
    if number > 1_000_000:
        raise ValueError(f"{number} 超出合理范围")
    return number


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if " " in text:
        text = text.split(" ", 1)[0]  # "2015-03-01 00:00:00" from some exports
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                day = dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise ValueError(f"日期“{text}”不存在") from None
            if not dt.date(1949, 10, 1) <= day <= dt.date(2100, 1, 1):
                raise ValueError(f"日期“{text}”不合理")
            return day
    raise ValueError(f"“{text}”不是日期，请写成 2015-03-01")


def choice_parser(choices: type[models.TextChoices]) -> Callable[[Any], str]:
    """Accept a choice's Chinese label or its English value."""
    by_text = {str(c.label): c.value for c in choices} | {c.value: c.value for c in choices}
    allowed = "、".join(str(c.label) for c in choices)

    def parse(value: Any) -> str:
        text = cell_text(value)
        if text in by_text:
            return by_text[text]
        raise ValueError(f"“{text}”不是可选值，应为：{allowed}")

    return parse
