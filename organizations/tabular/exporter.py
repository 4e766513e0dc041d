"""Exports as small row-producing classes over one writer (pretix's exporters).

An Exporter subclass declares its `columns` (tabular.writing.Column) and
yields rows from a queryset already limited to the user's scope; it never
formats cells. `export_response` turns one into an .xlsx or .csv download
(writing.write_xlsx / write_csv do the frozen header, widths, real dates and
formula neutralising), after checking the export permission. An exporter
with several sheets overrides `sheets()`; .csv takes the first sheet only.

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

    def filename(self, extension: str) -> str:
        return f"{self.title}-{self.today:%Y%m%d}.{extension}"


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
    audit.record(
        user=exporter.user,
        action=AuditAction.EXPORT,
        changes={"export": exporter.name, "format": file_format, "scope": exporter.scope.key},
    )
    response = HttpResponse(content, content_type=content_type)
    fallback = f"{exporter.name}-{exporter.today:%Y%m%d}.{file_format}"
    response["Content-Disposition"] = content_disposition(exporter.filename(file_format), fallback)
    return response
