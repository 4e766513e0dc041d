"""Large directory exports run as background jobs: asked, queued, built by a worker, owner-only."""

import datetime as dt
import io
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from organizations import files
from organizations.export_jobs import FOLDER, purge_expired
from organizations.models import AuditAction, AuditEntry, DownloadJob, DownloadStatus
from organizations.tasks import build_export
from tests.factories import EnterpriseFactory, UnionFactory
from tests.security.test_jobs import broker_down  # noqa: F401 (fixture)

EXPORT = reverse("directory:enterprise_export")


@pytest.fixture
def low_threshold(settings):
    settings.EXPORT_JOB_THRESHOLD = 2


def firms(names, area_id="540102"):
    return [EnterpriseFactory(name=name, area_id=area_id) for name in names]


def names_in(content: bytes, sheet_name: str | None = None) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook[sheet_name] if sheet_name else workbook.active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def file_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_a_small_export_is_still_the_file_itself(county, client_for):
    firms(["城关一厂", "城关二厂"])
    response = client_for(county).get(EXPORT)
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert sorted(names_in(response.content)) == ["城关一厂", "城关二厂"]
    assert not DownloadJob.objects.exists()


@pytest.mark.django_db
def test_a_large_export_says_its_size_and_queues_only_on_post(
    county, client_for, low_threshold, django_capture_on_commit_callbacks
):
    firms(["城关一厂", "城关二厂", "城关三厂"])
    client = client_for(county)
    page = client.get(EXPORT)
    assert page.status_code == 200 and "text/html" in page["Content-Type"]
    assert "共约 3 行" in page.text and "开始生成" in page.text
    assert not DownloadJob.objects.exists()  # GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORT)
    job = DownloadJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "directory:download_job", args=[job.pk]
    )
    # Tasks run inline in these tests: the job is done by now.
    job.refresh_from_db()
    assert (job.owner, job.status, job.done, job.total) == (county, DownloadStatus.DONE, 3, 3)
    status = client.get(reverse("directory:download_job_status", args=[job.pk])).json()
    assert status["finished"] and status["percent"] == 100
    page = client.get(reverse("directory:download_job", args=[job.pk]))
    assert "下载 Excel" in page.text and "js/downloads.js" in page.text
    download = client.get(reverse("directory:download_job_file", args=[job.pk]))
    assert "spreadsheetml" in download["Content-Type"]
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert sorted(names_in(file_of(download))) == ["城关一厂", "城关三厂", "城关二厂"]
    assert AuditEntry.objects.filter(user=county, action=AuditAction.EXPORT).count() == 1
    files.delete(job.stored_name)


@pytest.mark.django_db
def test_a_post_for_a_small_export_queues_nothing(county, client_for):
    firms(["城关一厂"])
    response = client_for(county).post(EXPORT)
    assert response.status_code == 302 and response["Location"] == EXPORT
    assert not DownloadJob.objects.exists()


@pytest.mark.django_db
def test_redis_down_at_export_time_gives_a_clear_message(
    county,
    client_for,
    low_threshold,
    broker_down,  # noqa: F811
):
    firms(["城关一厂", "城关二厂", "城关三厂"])
    response = client_for(county).post(EXPORT)
    assert response.status_code == 503
    assert "后台任务服务暂时不可用，任务未提交" in response.content.decode()
    assert not DownloadJob.objects.exists()


@pytest.mark.django_db
def test_a_job_is_its_owners_alone(county, other_county, prefecture, hq, client_for, low_threshold):
    firms(["城关一厂", "城关二厂", "城关三厂"])
    job = DownloadJob.objects.create(owner=county, export="enterprises", title="企业名录")
    build_export(job.pk)
    job.refresh_from_db()
    urls = [
        reverse("directory:download_job", args=[job.pk]),
        reverse("directory:download_job_status", args=[job.pk]),
        reverse("directory:download_job_file", args=[job.pk]),
    ]
    for user in (other_county, prefecture, hq):  # a wider scope does not make it theirs
        client = Client()
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
        assert urls[0] not in client.get(reverse("directory:download_jobs")).text
    owner = client_for(county)
    assert all(owner.get(url).status_code == 200 for url in urls)
    assert urls[0] in owner.get(reverse("directory:download_jobs")).text
    files.delete(job.stored_name)


@pytest.mark.django_db
def test_a_failed_job_says_why(county, client_for):
    job = DownloadJob.objects.create(owner=county, export="enterprises", title="企业名录")
    county.is_active = False  # the account was closed between the click and the worker
    county.save()
    build_export(job.pk)
    job.refresh_from_db()
    assert job.status == DownloadStatus.FAILED and job.error == "该账号已无导出权限。"
    county.is_active = True
    county.save()
    client = client_for(county)
    assert "该账号已无导出权限。" in client.get(reverse("directory:download_job", args=[job.pk])).text
    assert client.get(reverse("directory:download_job_file", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_old_files_are_cleaned_up_by_the_next_job(county, low_threshold):
    firms(["城关一厂"])
    old = DownloadJob.objects.create(owner=county, export="enterprises", title="企业名录")
    build_export(old.pk)
    old.refresh_from_db()
    name = old.stored_name
    assert name.startswith(f"{FOLDER}/") and files.exists(name)
    DownloadJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(hours=25))
    fresh = DownloadJob.objects.create(owner=county, export="enterprises", title="企业名录")
    build_export(fresh.pk)  # each export job first removes what has expired
    assert not files.exists(name) and not DownloadJob.objects.filter(pk=old.pk).exists()
    fresh.refresh_from_db()
    assert files.exists(fresh.stored_name)
    assert purge_expired(timezone.now() + dt.timedelta(hours=25)) == 1
    assert not files.exists(fresh.stored_name)


@pytest.mark.worker
def test_a_large_export_runs_on_a_real_worker_and_holds_exactly_the_users_scope(
    celery_worker_process, county, other_county, client_for, settings
):
    settings.EXPORT_JOB_THRESHOLD = 2
    firms(["城关一厂", "城关二厂", "城关三厂"])
    firms(["堆龙一厂"], area_id="540103")
    UnionFactory(name="城关工会", area_id="540102")
    UnionFactory(name="日喀则工会", area_id="540202")
    client = client_for(county)
    assert "共约 4 行" in client.get(reverse("directory:directory_export")).text
    response = client.post(reverse("directory:directory_export"))
    job = DownloadJob.objects.get(owner=county)
    assert response["Location"] == reverse("directory:download_job", args=[job.pk])
    status_url = reverse("directory:download_job_status", args=[job.pk])
    deadline = time.monotonic() + 60
    state = client.get(status_url).json()
    while not state["finished"] and time.monotonic() < deadline:
        time.sleep(0.3)
        state = client.get(status_url).json()
    assert state["status"] == "done", state
    assert (state["done"], state["total"]) == (4, 4)

    other = Client()
    other.force_login(other_county)
    assert other.get(reverse("directory:download_job", args=[job.pk])).status_code == 404
    assert other.get(reverse("directory:download_job_file", args=[job.pk])).status_code == 404

    content = file_of(client.get(reverse("directory:download_job_file", args=[job.pk])))
    assert sorted(names_in(content, "企业名录")) == ["城关一厂", "城关三厂", "城关二厂"]
    assert names_in(content, "工会名录") == ["城关工会"]
    sheet = load_workbook(io.BytesIO(content))["企业名录"]
    assert sheet.freeze_panes == "A2"
    job.refresh_from_db()
    files.delete(job.stored_name)


@pytest.mark.django_db
def test_a_large_csv_export_is_a_csv_file(
    county, client_for, low_threshold, django_capture_on_commit_callbacks
):
    firms(["城关一厂", "城关二厂", "城关三厂"])
    client = client_for(county)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("directory:enterprise_export_csv"))
    job = DownloadJob.objects.get()
    download = client.get(reverse("directory:download_job_file", args=[job.pk]))
    assert download["Content-Type"].startswith("text/csv")
    lines = file_of(download).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("单位名称,") and sorted(line.split(",")[0] for line in lines[1:]) == [
        "城关一厂",
        "城关三厂",
        "城关二厂",
    ]
    job.refresh_from_db()
    files.delete(job.stored_name)


@pytest.mark.django_db
def test_a_file_left_by_a_dead_worker_is_swept(county):
    stray = files.save_bytes(f"{FOLDER}/999999-deadbeef.xlsx", b"a workbook no job names")
    assert purge_expired() == 0 and files.exists(stray)  # young: its job may be finishing
    assert purge_expired(timezone.now() + dt.timedelta(days=4)) == 0
    assert not files.exists(stray)
