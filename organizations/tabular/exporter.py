"""Exports as small row-producing classes over one writer (pretix's exporters).

An Exporter subclass declares its `columns` (tabular.writing.Column) and
yields rows from a queryset already limited to the user's scope; it never
formats cells. `export_response` turns one into an .xlsx or .csv download
(writing.write_xlsx / write_csv do the frozen header, widths, real dates and
formula neutralising), after checking the export permission. An exporter
with several sheets overrides `sheets()`; .csv takes the first sheet only.

An exporter that may be large also says how many rows it will write
(`count()`, one query) and how to build it again in a worker (`job_params()`
/ `for_job()`): organizations.export_jobs then writes a large one in a Celery
job instead of the request.

    class EnterpriseExporter(Exporter):
        name = "enterprises"
        title = "企业名录"
        columns = [Column("单位名称", 30), Column("统一社会信用代码", 22)]

        def rows(self):
            for e in Enterprise.objects.visible_to(self.user):
                yield [e.name, e.credit_code]

    return export_response(EnterpriseExporter(request.user), "xlsx")
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.utils import timezone

from organizations import audit
from organizations.models import AuditAction
from organizations.permissions import Perm, require
from organizations.scopes import Scope
from organizations.tabular.writing import XLSX_CONTENT_TYPE, Column, SheetSpec, write_csv, write_xlsx

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")


class Exporter(abc.ABC):
    name: ClassVar[str]  # ASCII, used in the fallback file name
    title: ClassVar[str]  # Chinese: the sheet title and the file name
    columns: ClassVar[Sequence[Column]] = ()

    def __init__(self, user, **params: Any):
        self.user = user
        self.scope = Scope.for_user(user)
        self.params = params
        self.today = timezone.localdate()

    @abc.abstractmethod
    def rows(self) -> Iterable[Sequence[Any]]:
        """Yield one list of plain values (str, int, date, bool…) per row, in column order."""

    def sheets(self) -> list[SheetSpec]:
        return [SheetSpec(self.title, self.columns, self.rows())]

    def count(self) -> int | None:
        """How many rows the export holds, from one query; None: small by nature, never a job."""
        return None

    def job_params(self) -> dict[str, Any]:
        """self.params as JSON, for a background job to rebuild this exporter with for_job()."""
        return {}

    @classmethod
    def for_job(cls, user, params: dict[str, Any]) -> Exporter:
        """The exporter for a job's owner; the scope comes from the user, params only narrow it."""
        return cls(user)

    def filename(self, extension: str) -> str:
        return f"{self.title}-{self.today:%Y%m%d}.{extension}"

    def fallback_filename(self, extension: str) -> str:
        return f"{self.name}-{self.today:%Y%m%d}.{extension}"

    def record_export(self, file_format: str) -> None:
        audit.record(
            user=self.user,
            action=AuditAction.EXPORT,
            changes={"export": self.name, "format": file_format, "scope": self.scope.key},
        )


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """attachment with an ASCII name for old clients and the UTF-8 one per RFC 5987/6266."""
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


def export_response(exporter: Exporter, file_format: str = "xlsx") -> HttpResponse:
    """Run exporter into a download. Unknown formats are 404; the role must have Perm.EXPORT."""
    require(exporter.user, Perm.EXPORT)
    if file_format not in FORMATS:
        raise Http404
    if file_format == "xlsx":
        content, content_type = write_xlsx(exporter.sheets()), XLSX_CONTENT_TYPE
    else:
        sheet = exporter.sheets()[0]
        content, content_type = write_csv(sheet.columns, sheet.rows), CSV_CONTENT_TYPE
    exporter.record_export(file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        exporter.filename(file_format), exporter.fallback_filename(file_format)
    )
    return response
