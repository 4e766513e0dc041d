"""A worker killed mid-job leaves nothing half-written, and the job completes exactly once.

A real worker takes a large member import job (members.tasks.run_member_import)
and is SIGKILLed after it has written its first chunk of rows. The job's transaction dies with it:
no member is left behind. The broker gives the unacknowledged task to the
next worker once the (shortened) visibility timeout passes; that worker runs
the job to the end, and any further redelivery finds it finished.
"""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from members.idnumber import make_id_number
from members.jobs import progress_key
from members.models import ImportJob, JobStatus, Member, Membership
from members.tasks import run_member_import
from organizations.tabular.uploads import stash
from tests.factories import EnterpriseFactory, UnionFactory, UserFactory
from tests.security.workers import (
    VISIBILITY_TIMEOUT,
    kill,
    start_worker,
    stop,
    use_short_visibility_timeout,
    wait_until,
)
from unionapp.celery import app

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
    state = cache.get(progress_key(job_id)) or {}
    # The job reports rows done after each chunk it has written inside its transaction.
    return state.get("stage") in ("working", "saving") and 0 < state.get("done", 0) < ROWS


@pytest.mark.worker
def test_a_killed_import_leaves_nothing_and_completes_once_on_redelivery(job):
    saved_options = use_short_visibility_timeout()
    first = start_worker("imports")
    try:
        run_member_import.apply_async(args=[job.pk])
        assert wait_until(lambda: saving_started(job.pk), timeout=120), "the job never started saving"
        kill(first)

        # The worker died inside the job's transaction: nothing it wrote survives.
        assert wait_until(lambda: not ImportJob.objects.get(pk=job.pk).finished, timeout=5)
        assert Member.objects.count() == 0
        assert Membership.objects.count() == 0

        second = start_worker("imports")
        try:
            finished = wait_until(
                lambda: ImportJob.objects.get(pk=job.pk).finished, timeout=240, interval=0.5
            )
            assert finished, "the redelivered job did not finish"
            job.refresh_from_db()
            assert (job.status, job.saved) == (JobStatus.DONE, ROWS), job.result
            # Give any further redelivery time to run: the job is finished, so it adds nothing.
            wait_until(lambda: False, timeout=VISIBILITY_TIMEOUT * 2)
            assert Member.objects.count() == ROWS
            assert Membership.objects.count() == ROWS
            assert Member.objects.values("id_hash").distinct().count() == ROWS
        finally:
            stop(second)
    finally:
        if first.poll() is None:
            kill(first)
        app.conf.broker_transport_options = saved_options
