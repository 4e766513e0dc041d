"""The member import in the browser: preview, error workbook, confirm, and large files as jobs."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members.models import ImportJob, JobStatus, Member, Membership
from members.tasks import run_member_import
from tests.members.helpers import csv_file, person_id, roster_row, workplace


def upload(client, rows, name="roster.csv"):
    file = SimpleUploadedFile(name, csv_file(rows).getvalue(), content_type="text/csv")
    return client.post(reverse("members:member_import"), {"file": file})


def roster(enterprise, union, count, start=1):
    return [roster_row(enterprise, union, id_number=person_id(n)) for n in range(start, start + count)]


@pytest.mark.django_db
def test_fix_the_marked_cells_then_import(client_for, county):
    enterprise, union = workplace()
    rows = roster(enterprise, union, 20)
    rows[4]["身份证号"] = rows[4]["身份证号"][:17] + ("1" if rows[4]["身份证号"][17] != "1" else "2")
    rows[9]["所属工会"] = "没有这个工会"
    client = client_for(county)
    preview = client.get(upload(client, rows).url)
    assert "第6行" in preview.text and "第11行" in preview.text
    assert Member.objects.count() == 0

    workbook = load_workbook(io.BytesIO(client.get(preview.context["errors_url"]).content))
    sheet = workbook.active
    bad_id, bad_union = sheet.cell(row=6, column=2), sheet.cell(row=11, column=8)
    assert bad_id.fill.fgColor.rgb.endswith("FFC7CE") and "校验位" in bad_id.comment.text
    assert bad_union.fill.fgColor.rgb.endswith("FFC7CE") and "没有这个工会" in bad_union.comment.text
    assert sheet.cell(row=7, column=2).comment is None

    # The clerk corrects the two cells in the workbook itself and uploads it again.
    bad_id.value = person_id(999)
    bad_union.value = union.code
    fixed = io.BytesIO()
    workbook.save(fixed)
    file = SimpleUploadedFile("roster.xlsx", fixed.getvalue())
    preview = client.get(client.post(reverse("members:member_import"), {"file": file}).url)
    assert preview.context["result"].ok, preview.context["result"].errors
    client.post(preview.context["confirm_url"])
    assert Membership.objects.filter(union=union).count() == 20


@pytest.mark.django_db
def test_a_large_file_runs_as_a_job(client_for, county, other_county, django_capture_on_commit_callbacks):
    enterprise, union = workplace()
    client = client_for(county)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, roster(enterprise, union, 2100))
    job = ImportJob.objects.get()
    assert response.url == reverse("members:member_import_job", args=[job.pk])
    assert job.status == JobStatus.DONE and job.saved == 2100  # eager here: the worker test runs it for real
    progress = client.get(reverse("members:member_import_job_progress", args=[job.pk])).json()
    assert progress["finished"] and progress["percent"] == 100
    assert Membership.objects.count() == 2100
    other = client_for(other_county)
    assert other.get(reverse("members:member_import_job", args=[job.pk])).status_code == 404
    assert other.get(reverse("members:member_import_job_progress", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_a_large_file_with_mistakes_saves_nothing_and_offers_the_workbook(
    client_for, county, django_capture_on_commit_callbacks
):
    enterprise, union = workplace()
    rows = roster(enterprise, union, 2100)
    rows[1500]["民族"] = "火星族"
    client = client_for(county)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, rows)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and Member.objects.count() == 0
    page = client.get(reverse("members:member_import_job", args=[job.pk]))
    assert "第1502行「民族」" in page.text
    sheet = load_workbook(
        io.BytesIO(
            b"".join(client.get(reverse("members:member_import_job_errors", args=[job.pk])).streaming_content)
        )
    ).active
    assert sheet.cell(row=1502, column=3).comment.text.startswith("“火星族”")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_import_job(celery_worker_process, county, client_for):
    enterprise, union = workplace()
    client = client_for(county)
    upload(client, roster(enterprise, union, 2500, start=20000))
    job = ImportJob.objects.get()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        time.sleep(0.5)
    assert job.status == JobStatus.DONE, job.result
    assert Membership.objects.filter(union=union).count() == 2500
    # Delivered again (a worker died before acknowledging): nothing is inserted twice.
    assert run_member_import.apply(args=[job.pk]).get() == "already finished"
    assert Membership.objects.filter(union=union).count() == 2500


def test_the_upload_sizes_a_file_from_what_it_declares_without_reading_its_rows():
    from openpyxl import Workbook

    from members.views.imports import _row_count

    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号"])
    for n in range(2500):
        sheet.append([f"会员{n}", "540102199001011234"])
    data = io.BytesIO()
    book.save(data)
    xlsx = SimpleUploadedFile("roster.xlsx", data.getvalue())
    csv = SimpleUploadedFile("roster.csv", "姓名,身份证号\r\n".encode() + b"a,b\r\n" * 2500)

    assert _row_count(xlsx) == 2500  # from <dimension ref="A1:B2501">
    assert _row_count(csv) == 2500
    assert xlsx.file.tell() == 0 and csv.file.tell() == 0  # left ready for the real read
    pdf = SimpleUploadedFile("roster.csv", b"%PDF-1.7\n" + b"stream\n" * 3000)
    assert _row_count(pdf) == 0  # not a table: no job, the preview says what it is
