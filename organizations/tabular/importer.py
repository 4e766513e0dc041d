"""The import pipeline every import shares: read rows, validate rows, write rows.

A concrete import (enterprises, unions, members) subclasses Importer, declares
its Fields, adds the checks that need the database or the whole file in
`validate`, and saves in `write`. `run` does the three visible steps: nothing
is written unless every row is valid, and then all rows are written in one
transaction. The browser preview, the management commands and the Celery
job all call the same `run`.
"""

from __future__ import annotations

import abc
from collections import defaultdict
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from django.db import transaction

from drives.freshness import refresh_soon
from organizations import audit
from organizations.models import AuditAction
from organizations.permissions import Perm, has_perm
from organizations.scopes import Scope
from organizations.tabular.columns import Field, Parsed, ParsedRow, RowError, parse_rows
from organizations.tabular.reading import SpreadsheetError, read_table
from organizations.tabular.writing import write_template


@dataclass
class ImportResult:
    total: int = 0
    saved: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    dry_run: bool = False
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    def errors_by_row(self) -> dict[int, list[RowError]]:
        grouped: dict[int, list[RowError]] = defaultdict(list)
        for error in self.errors:
            grouped[error.row].append(error)
        return dict(grouped)


class Importer(abc.ABC):
    name: ClassVar[str]
    title: ClassVar[str]
    fields: ClassVar[list[Field]]
    example: ClassVar[list[Any]] = []
    notes: ClassVar[list[str]] = []

    def __init__(self, user):
        self.user = user
        self.scope = Scope.for_user(user)

    # Hooks for subclasses.

    def validate(self, parsed: Parsed) -> list[RowError]:
        """Checks across rows and against the database. Return every error found."""
        return []

    @abc.abstractmethod
    def write(self, rows: list[ParsedRow]) -> int:
        """Save every row (all are valid); return how many were saved."""

    def choices(self) -> dict[int, list[str]]:
        """Dropdown values for the template, by column index."""
        return {}

    # The pipeline.

    def run(self, file: IO[bytes], *, dry_run: bool = False, progress=None) -> ImportResult:
        result = ImportResult(dry_run=dry_run)
        # Every path (browser, command, job) runs this, so the role is checked here once more.
        if not has_perm(self.user, Perm.IMPORT):
            result.file_error = "该账号没有导入权限（只读账号不能导入）。"
            return result
        try:
            parsed = parse_rows(read_table(file), self.fields)
        except SpreadsheetError as error:
            result.file_error = str(error)
            return result
        result.total = parsed.total
        if parsed.total == 0:
            result.file_error = "文件中没有数据行（第一行应为表头，从第二行起为数据）。"
            return result
        result.errors = sorted(parsed.errors + self.validate(parsed), key=lambda e: (e.row, e.column))
        if result.errors or dry_run:
            return result
        with transaction.atomic():
            result.saved = self.write(parsed.rows)
            audit.record(
                user=self.user,
                action=AuditAction.IMPORT,
                changes={"import": self.name, "rows": result.saved},
            )
            refresh_soon()  # figures the imported records move are rolled up again
        return result

    def template(self) -> bytes:
        return write_template(
            self.title,
            [f.header for f in self.fields],
            self.example,
            choices=self.choices(),
            notes=self.notes,
        )
