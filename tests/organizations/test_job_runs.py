"""organizations.job_runs: claiming a job, the sweep for jobs whose worker died, what the pages say.

The real-worker versions (a worker SIGKILLed mid-job) are tests/security/test_worker_kill.py
(the member import, at the production defaults) and tests/security/test_export_worker_kill.py
(the directory export and the official form).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import ImportJob, JobStatus
from organizations.job_runs import GAVE_UP, claim, owns, requeue_stalled
from organizations.models import DownloadJob, DownloadStatus
from tests.factories import EnterpriseFactory
from tests.members.helpers import workplace
from tests.members.test_import_pages import roster, upload


def download_job(owner, **fields) -> DownloadJob:
    return DownloadJob.objects.create(owner=owner, export="enterprises", title="单位名录", **fields)


def silent_for(seconds: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


def test_a_claim_starts_a_run_and_refuses_a_finished_job_or_a_live_run(county):
    job = download_job(county)
    run = claim(DownloadJob.objects, job.pk)
    assert run.status == "running" and run.run_token and owns(run)
    # Delivered again while that run beats: nothing to do.
    assert claim(DownloadJob.objects, job.pk) is None
    # Its heartbeat stopped long ago: another run takes it, and the first no longer owns it.
    DownloadJob.objects.filter(pk=job.pk).update(heartbeat_at=silent_for(600))
    second = claim(DownloadJob.objects, job.pk)
    assert second.run_token != run.run_token and owns(second) and not owns(run)
    DownloadJob.objects.filter(pk=job.pk).update(status=DownloadStatus.DONE)
    assert claim(DownloadJob.objects, job.pk) is None


def test_the_sweep_queues_again_a_job_whose_heartbeat_stopped_and_it_completes(
    county, django_capture_on_commit_callbacks
):
    EnterpriseFactory(name="城关建设集团有限公司", area_id="540102")
    lost = download_job(county, status=DownloadStatus.RUNNING, heartbeat_at=silent_for(600), run_token="dead")
    alive = download_job(
        county, status=DownloadStatus.RUNNING, heartbeat_at=timezone.now(), run_token="alive"
    )
    waiting = download_job(county)

    with django_capture_on_commit_callbacks() as queued:
        assert requeue_stalled() == 1
    lost.refresh_from_db()
    assert (lost.status, lost.requeue_count, lost.run_token) == (DownloadStatus.QUEUED, 1, "")
    assert lost.requeued_at is not None
    assert DownloadJob.objects.get(pk=alive.pk).status == DownloadStatus.RUNNING
    assert DownloadJob.objects.get(pk=waiting.pk).status == DownloadStatus.QUEUED

    for callback in queued:  # the task, queued on commit (run inline here)
        callback()
    lost.refresh_from_db()
    assert (lost.status, lost.done, lost.total) == (DownloadStatus.DONE, 1, 1)


def test_a_job_interrupted_too_often_fails_with_a_message(county, client_for, settings):
    settings.JOB_MAX_REQUEUES = 3
    job = download_job(county, status=DownloadStatus.RUNNING, heartbeat_at=silent_for(600), requeue_count=3)
    assert requeue_stalled() == 0
    job.refresh_from_db()
    assert job.status == DownloadStatus.FAILED and job.error == GAVE_UP
    state = client_for(county).get(reverse("directory:download_job_status", args=[job.pk])).json()
    assert state["status"] == "failed" and "多次因后台服务中断" in state["error"]


def test_the_pages_say_a_job_was_interrupted_and_queued_again(county, client_for):
    requeued_at = timezone.make_aware(dt.datetime(2015, 3, 2, 9, 41))
    download = download_job(county, requeued_at=requeued_at, requeue_count=1)
    page = client_for(county).get(reverse("directory:download_job", args=[download.pk]))
    assert "处理中断，已于 09:41 重新排队" in page.text
    state = client_for(county).get(reverse("directory:download_job_status", args=[download.pk])).json()
    assert state["notice"].startswith("处理中断，已于 09:41 重新排队")

    imported = ImportJob.objects.create(
        owner=county, token="x", filename="会员名册.xlsx", requeued_at=requeued_at
    )
    page = client_for(county).get(reverse("members:member_import_job", args=[imported.pk]))
    assert "处理中断，已于 09:41 重新排队" in page.text


def test_the_import_jobs_status_is_one_word_with_the_rows_as_written(county, client_for):
    """The JSON a page polls: its status is the job row's, and so are the rows done."""
    job = ImportJob.objects.create(
        owner=county,
        token="x",
        filename="会员名册.xlsx",
        total=100000,
        status=JobStatus.RUNNING,
        processed=45000,
    )
    state = client_for(county).get(reverse("members:member_import_job_progress", args=[job.pk])).json()
    assert (state["status"], state["done"], state["total"], state["percent"]) == (
        "running",
        45000,
        100000,
        45,
    )
    assert "stage" not in state
    page = client_for(county).get(reverse("members:member_import_job", args=[job.pk]))
    assert "45000 / 100000" in page.text


@pytest.mark.django_db
def test_a_finished_import_job_counts_every_row_processed(
    client_for, county, django_capture_on_commit_callbacks
):
    enterprise, union = workplace()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(county), roster(enterprise, union, 2100))
    job = ImportJob.objects.get()
    assert (job.status, job.saved, job.processed, job.total) == (JobStatus.DONE, 2100, 2100, 2100)
