"""A worker killed mid-job leaves nothing half-written, and the job is picked up again within minutes.

A real worker takes a large member import job (members.tasks.run_member_import)
and is SIGKILLed after it has written its first chunk of rows. The job's transaction dies with it:
no member is left behind. Everything runs at the production defaults: the broker's visibility
timeout is an hour, so the broker would hand the task back only then (the job sat "排队中 20 %"
for that hour). Instead the next worker, which runs beat as a deployment does, sweeps for jobs
whose heartbeat stopped (organizations.job_runs: 10 s heartbeat, 90 s stale, a sweep a minute),
queues the job again, and runs it to the end, once.
"""

import csv
import datetime as dt
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.idnumber import make_id_number
from members.models import ImportJob, JobStatus, Member, Membership
from members.tasks import run_member_import
from organizations.tabular.uploads import stash
from tests.factories import EnterpriseFactory, UnionFactory, UserFactory
from tests.security.workers import kill, start_worker, stop, wait_until

ROWS = 12000  # the import writes 5,000 rows at a time: the kill lands between chunks
HEADERS = ["姓名", "身份证号", "民族", "手机号", "户籍地", "是否农牧民工", "工作单位", "所属工会", "入会日期"]


def member_file(employer, union) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    start = dt.date(1975, 1, 1)
    for i in range(ROWS):
        birth = start + dt.timedelta(days=i // 3)
        writer.writerow(
            [
                f"次仁{i}",
                make_id_number("540102", birth, 100 + i % 3 * 2),
                "藏族",
                f"139{i:08d}",
                "西藏拉萨市城关区",
                "是",
                employer.credit_code,
                union.name,
                "2015-03-01",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


@pytest.fixture
def job(transactional_db, divisions):
    from organizations.models import Role

    clerk = UserFactory(username="kill_clerk", role=Role.COUNTY, area_id="540102")
    employer = EnterpriseFactory(name="城关建设集团有限公司")
    union = UnionFactory(name="城关建设集团有限公司工会")
    upload = SimpleUploadedFile("会员名册.csv", member_file(employer, union), content_type="text/csv")
    stashed = stash(upload, user=clerk, importer_name="members")
    return ImportJob.objects.create(owner=clerk, token=stashed.token, filename="会员名册.csv")


def saving_started(job_id: int) -> bool:
    job = ImportJob.objects.get(pk=job_id)
    # The job's heartbeat writes the rows done after each chunk written inside its transaction.
    return job.status == JobStatus.RUNNING and 0 < job.processed < ROWS


# The production defaults, spelt out so that nothing in the test environment shortens them.
DEFAULTS = {"CELERY_VISIBILITY_TIMEOUT": "3600", "JOB_HEARTBEAT_SECONDS": "10", "JOB_STALE_SECONDS": "90"}
WITHIN = 90 + 2 * 60 + 60  # stale, up to two sweeps a minute apart, and the import itself


@pytest.mark.worker
def test_a_killed_import_leaves_nothing_and_is_picked_up_again_within_minutes(job, client_for, tmp_path):
    first = start_worker("imports", **DEFAULTS)
    try:
        run_member_import.apply_async(args=[job.pk])
        assert wait_until(lambda: saving_started(job.pk), timeout=120), "the job never started saving"
        kill(first)
        killed_at = time.monotonic()

        # The worker died inside the job's transaction: nothing it wrote survives, and the page
        # reads the job as it was left: running, with the rows its heartbeat last wrote.
        assert wait_until(lambda: not ImportJob.objects.get(pk=job.pk).finished, timeout=5)
        assert Member.objects.count() == 0
        assert Membership.objects.count() == 0
        state = client_for(job.owner).get(reverse("members:member_import_job_progress", args=[job.pk])).json()
        assert (state["status"], state["finished"]) == ("running", False)
        assert 0 < state["done"] < ROWS

        second = start_worker("default,imports", beat_schedule=str(tmp_path / "beat-schedule"), **DEFAULTS)
        try:
            finished = wait_until(
                lambda: ImportJob.objects.get(pk=job.pk).finished, timeout=WITHIN + 60, interval=0.5
            )
            assert finished, "the job was not picked up again"
            assert time.monotonic() - killed_at < WITHIN
            job.refresh_from_db()
            assert (job.status, job.saved, job.processed) == (JobStatus.DONE, ROWS, ROWS), job.result
            assert job.requeue_count == 1 and job.requeued_at is not None
            assert Member.objects.count() == ROWS
            assert Membership.objects.count() == ROWS
            assert Member.objects.values("id_hash").distinct().count() == ROWS
        finally:
            stop(second)
        # The broker's own redelivery of the killed task, an hour later, finds the job finished.
        assert run_member_import.apply(args=[job.pk]).get() == "already finished"
        assert Member.objects.count() == ROWS
    finally:
        if first.poll() is None:
            kill(first)
        forget_unacknowledged()


def forget_unacknowledged() -> None:
    """The killed worker's task waits in the broker for its hour-long visibility timeout; drop it,
    so that no later test run on this Redis database is handed a job id of this one's."""
    from unionapp.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.client.delete("unacked", "unacked_index")
