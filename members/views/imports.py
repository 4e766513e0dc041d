"""The member import in the browser.

Small files go through the shared upload → preview → confirm views
(organizations/views/imports.py). A file of more than JOB_THRESHOLD rows is
handed to a Celery job at upload: its page shows a progress bar that polls
the job's JSON endpoint (static/js/members.js), then the result, and the
error workbook to download when any row was refused. Both ways offer the
error workbook, so the clerk corrects the marked cells in their own file.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods

from members.error_workbook import write_error_workbook
from members.importer import MemberImporter
from members.jobs import JOB_THRESHOLD, error_workbook_name, job_progress
from members.models import ImportJob
from members.tasks import run_member_import
from organizations import files
from organizations.jobs import JobQueueUnavailable, enqueue_on_commit
from organizations.permissions import Perm, require
from organizations.tabular.exporter import content_disposition
from organizations.tabular.reading import SpreadsheetError, read_table
from organizations.tabular.uploads import retrieve, stash
from organizations.tabular.writing import XLSX_CONTENT_TYPE
from organizations.views.imports import ImportViews, UploadForm

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


def _row_count(upload) -> int:
    """About how many data rows the file holds, to choose between the preview and a job.

    Cheap where the file says so: an .xlsx sheet declares its extent in its first bytes
    (<dimension ref="A1:K100001">, read without unpacking the rest) and a .csv's lines are
    counted as bytes. Otherwise the rows are read. The job counts exactly as it goes."""
    try:
        is_xlsx = upload.file.read(2) == b"PK"
        upload.file.seek(0)
        if is_xlsx and (declared := _declared_rows(upload.file)) is not None:
            return declared
        table = read_table(upload.file)  # what is not a table is refused here, for the preview to say
        if is_xlsx:
            return sum(1 for _ in table.rows)
        upload.file.seek(0)
        return max(0, upload.file.read().rstrip(b"\r\n").count(b"\n"))
    except SpreadsheetError:
        return 0  # the preview will say what is wrong with it
    finally:
        upload.file.seek(0)


def _declared_rows(file) -> int | None:
    """Rows below the header by the first worksheet's <dimension>, or None when not said."""
    try:
        with zipfile.ZipFile(file) as archive:
            sheets = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if not sheets:
                return None
            with archive.open(sheets[0]) as sheet:
                match = _DIMENSION.search(sheet.read(4096))  # at most 4 KB unpacked
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        file.seek(0)
    return max(0, int(match.group(1)) - 1) if match else None


@dataclass(frozen=True)
class MemberImportViews(ImportViews):
    def urls(self, route: str) -> list[URLPattern]:
        return [
            path(
                f"{route}<str:token>/errors.xlsx", login_required(preview_errors), name=f"{self.name}_errors"
            ),
            *super().urls(route),
        ]

    def preview(self, request: HttpRequest, token: str) -> HttpResponse:
        """The shared preview, plus the error workbook's link."""
        importer = self.importer(request)
        stashed = retrieve(token, user=request.user, importer_name=importer.name)
        with stashed.open() as handle:
            result = importer.run(handle, dry_run=True)
        context = self.context(
            request,
            importer,
            result=result,
            filename=stashed.filename,
            errors_by_row=sorted(result.errors_by_row().items()),
            confirm_url=self.url(request, "_confirm", token=stashed.token),
            errors_url=self.url(request, "_errors", token=stashed.token),
        )
        return render(request, "members/import_preview.html", context)

    def upload(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return super().upload(request)
        importer = self.importer(request)
        form = UploadForm(request.POST, request.FILES)
        rows = _row_count(form.cleaned_data["file"]) if form.is_valid() else 0
        if rows <= JOB_THRESHOLD:
            return super().upload(request)
        upload = form.cleaned_data["file"]
        stashed = stash(upload, user=request.user, importer_name=importer.name)
        try:
            with transaction.atomic():
                job = ImportJob.objects.create(
                    owner=request.user, token=stashed.token, filename=upload.name or "", total=rows
                )
                enqueue_on_commit(run_member_import, job.pk)
        except JobQueueUnavailable as error:
            messages.error(request, str(error))
            return redirect("members:member_import")
        return redirect("members:member_import_job", pk=job.pk)


member_import = MemberImportViews(
    importer_class=MemberImporter, name="member_import", done_url="members:list"
)


@require_GET
def preview_errors(request: HttpRequest, token: str) -> HttpResponse:
    """The error workbook of a previewed (small) file."""
    require(request.user, Perm.IMPORT)
    importer = MemberImporter(request.user)
    stashed = retrieve(token, user=request.user, importer_name=importer.name)
    with stashed.open() as handle:
        result = importer.run(handle, dry_run=True)
    if not result.errors:
        raise Http404
    with stashed.open() as handle:
        content = write_error_workbook(handle, result.errors, MemberImporter.fields)
    return _workbook_response(content)


def _workbook_response(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition("会员名册-错误标注.xlsx", "members-errors.xlsx")
    return response


def _own_job(request: HttpRequest, pk: int) -> ImportJob:
    # A job belongs to the clerk who uploaded the file; anyone else: not found.
    require(request.user, Perm.IMPORT)
    return get_object_or_404(ImportJob, pk=pk, owner=request.user)


@login_required
@require_GET
def member_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    return render(request, "members/import_job.html", {"job": job, "progress": job_progress(job)})


@login_required
@require_GET
def member_import_job_progress(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(job_progress(_own_job(request, pk)))


@login_required
@require_GET
def member_import_job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    if not job.error_workbook:
        raise Http404
    return files.stream(
        error_workbook_name(job),
        filename="会员名册-错误标注.xlsx",
        fallback="members-errors.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@login_required
@require_http_methods(["GET"])
def member_import_jobs(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.IMPORT)
    jobs = ImportJob.objects.filter(owner=request.user)[:20]
    return render(request, "members/import_jobs.html", {"jobs": jobs})
