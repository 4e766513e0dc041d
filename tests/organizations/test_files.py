"""Every kept file goes through the storage API (organizations/files.py), never a local path.

The rest of the suite runs on an in-memory storage (tests/conftest.py), where a local path does
not exist. Here the storage is a folder that is neither MEDIA_ROOT nor under VAR_DIR (a second
root, as a shared mount would be): the import upload, its error workbook, an export job's file,
a special report and a case photo all land there, download through their owners' views, and
nothing is written where the app used to keep them.
"""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members.models import ImportJob, JobStatus
from organizations import files
from organizations.models import DownloadJob, DownloadStatus
from reports.services.acceptance import acceptance_attach
from reports.services.cases import case_submit
from reports.units import unit_by_key
from tests.factories import EnterpriseFactory
from tests.members.helpers import csv_file, person_id, roster_row, workplace
from tests.reports.helpers import make_drive

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def second_root(settings, tmp_path) -> Path:
    root = tmp_path / "shared-storage"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    settings.EXPORT_JOB_THRESHOLD = 1
    yield root
    assert not settings.MEDIA_ROOT.exists() and not settings.VAR_DIR.exists()


def stored(root: Path) -> set[str]:
    return {str(p.relative_to(root)).split("/")[0] for p in root.rglob("*") if p.is_file()}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_member_import_files_live_in_the_storage(
    second_root, client_for, county, django_capture_on_commit_callbacks
):
    enterprise, union = workplace()
    rows = [roster_row(enterprise, union, id_number=person_id(n)) for n in range(1, 2102)]
    rows[7]["所属工会"] = "没有这个工会"
    client = client_for(county)
    upload = SimpleUploadedFile("roster.csv", csv_file(rows).getvalue(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:member_import"), {"file": upload})
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and job.error_workbook.startswith("member-import-jobs/")
    assert stored(second_root) == {"imports", "member-import-jobs"}  # the upload stays for a retry
    sheet = load_workbook(
        io.BytesIO(body(client.get(reverse("members:member_import_job_errors", args=[job.pk]))))
    )
    assert "没有这个工会" in sheet.active.cell(row=9, column=8).comment.text


@pytest.mark.django_db
def test_export_job_files_live_in_the_storage(
    second_root, client_for, county, django_capture_on_commit_callbacks
):
    EnterpriseFactory(name="城关一厂", area_id="540102")
    EnterpriseFactory(name="城关二厂", area_id="540102")
    client = client_for(county)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("directory:enterprise_export"))
    job = DownloadJob.objects.get()
    assert job.status == DownloadStatus.DONE and job.stored_name.startswith("export-jobs/")
    assert (second_root / job.stored_name).is_file()
    content = body(client.get(reverse("directory:download_job_file", args=[job.pk])))
    assert sorted(
        r[0] for r in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True)
    ) == [
        "城关一厂",
        "城关二厂",
    ]


@pytest.mark.django_db
def test_special_reports_and_case_photos_live_in_the_storage(second_root, client_for, prefecture, hq):
    drive = make_drive()
    unit = unit_by_key("5401")
    acceptance_attach(
        user=prefecture, drive=drive, unit=unit, upload=SimpleUploadedFile("专题报告.pdf", b"%PDF-1.4 report")
    )
    case = case_submit(
        user=prefecture,
        drive=drive,
        unit=unit,
        title="工地建会",
        sector="construction",
        body="项目工会联合会覆盖全部分包单位。",
        photos=[SimpleUploadedFile("site.png", PNG)],
    )
    assert stored(second_root) == {"special_reports", "cases"}
    client = client_for(hq)
    report = client.get(reverse("reports:special_report", args=[drive.year, unit.key]))
    assert body(report) == b"%PDF-1.4 report"
    assert body(client.get(reverse("reports:case_photo", args=[case.photos.get().pk]))) == PNG


@pytest.mark.django_db
def test_the_in_memory_storage_of_the_suite_has_no_local_path():
    name = files.save_bytes("export-jobs/probe.txt", b"x")
    assert files.open_file(name).read() == b"x"
    assert not Path(files.storage().path(name)).exists()  # a path taken from it leads nowhere
