"""The two export jobs whose worker died are queued again by the sweep and finish once.

A directory export (organizations.DownloadJob) and an official form (reports.ExportJob) are each
taken by a real worker and held mid-run: the test locks the enterprise table, which both read,
so each task waits inside its run while its heartbeat thread goes on beating (a worker that is
alive but slow is not given up on). Both workers are SIGKILLed. The next worker runs beat, whose
sweep (organizations.tasks.requeue_stalled_jobs) finds both jobs silent, queues them again and
the worker completes them. The heartbeat, staleness and sweep intervals are shortened here to
keep the test short; tests/security/test_worker_kill.py runs the member import at the defaults.
"""

import time

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse

from organizations import files
from organizations.export_jobs import FOLDER
from organizations.models import DownloadJob, DownloadStatus
from organizations.tasks import build_export
from reports.models import ExportJob, ExportStatus
from reports.tasks import build_form
from tests.factories import EnterpriseFactory, UnionFactory
from tests.reports.helpers import make_drive
from tests.security.workers import kill, start_worker, stop, wait_until

FAST = {"JOB_HEARTBEAT_SECONDS": "1", "JOB_STALE_SECONDS": "4", "JOB_SWEEP_SECONDS": "2"}


def lock_enterprises():
    """Another connection holds the enterprise table: every read of it waits."""
    db = connection.settings_dict
    holder = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    holder.cursor().execute("LOCK TABLE organizations_enterprise IN ACCESS EXCLUSIVE MODE")
    return holder


def running(model, pk) -> bool:
    job = model.objects.get(pk=pk)
    return job.status == "running" and job.heartbeat_at is not None


@pytest.mark.worker
def test_killed_export_workers_leave_jobs_that_the_sweep_queues_again(
    transactional_db, county, hq, client_for, settings, tmp_path
):
    env = {**FAST, "VAR_DIR": str(tmp_path)}
    EnterpriseFactory(name="城关建设集团有限公司", area_id="540102")
    UnionFactory(name="城关建设集团有限公司工会", area_id="540102")
    drive = make_drive()
    download = DownloadJob.objects.create(owner=county, export="enterprises", title="单位名录", total=1)
    form = ExportJob.objects.create(owner=hq, kind="progress", drive=drive, period="2015-B3")

    holder = lock_enterprises()
    workers = [start_worker("exports", **env), start_worker("exports", **env)]
    try:
        build_export.apply_async(args=[download.pk])
        build_form.apply_async(args=[form.pk])
        assert wait_until(
            lambda: running(DownloadJob, download.pk) and running(ExportJob, form.pk), timeout=60
        )
        # Both wait on the lock, and both are seen alive: their heartbeats go on.
        beats = (
            DownloadJob.objects.get(pk=download.pk).heartbeat_at,
            ExportJob.objects.get(pk=form.pk).heartbeat_at,
        )
        time.sleep(2.5)
        assert DownloadJob.objects.get(pk=download.pk).heartbeat_at > beats[0]
        assert ExportJob.objects.get(pk=form.pk).heartbeat_at > beats[1]
        for worker in workers:
            kill(worker)
    finally:
        holder.rollback()
        holder.close()
        for worker in workers:
            if worker.poll() is None:
                kill(worker)

    # Killed, they stay "running" with a heartbeat that stopped, until the sweep.
    assert DownloadJob.objects.get(pk=download.pk).status == DownloadStatus.RUNNING
    sweeper = start_worker("default,exports", beat_schedule=str(tmp_path / "beat-schedule"), **env)
    try:
        done = wait_until(
            lambda: (
                DownloadJob.objects.get(pk=download.pk).finished
                and ExportJob.objects.get(pk=form.pk).status in (ExportStatus.DONE, ExportStatus.FAILED)
            ),
            timeout=90,
            interval=0.5,
        )
        assert done, "the sweep did not get both jobs done"
    finally:
        stop(sweeper)

    download.refresh_from_db()
    form.refresh_from_db()
    assert (download.status, download.requeue_count) == (DownloadStatus.DONE, 1)
    assert (form.status, form.requeue_count) == (ExportStatus.DONE, 1)
    assert form.content and form.filename
    state = client_for(county).get(reverse("directory:download_job_status", args=[download.pk])).json()
    assert (state["status"], state["done"], state["total"], state["notice"]) == ("done", 1, 1, "")
    response = client_for(county).get(reverse("directory:download_job_file", args=[download.pk]))
    assert response.status_code == 200
    # One file: the killed run never finished its own.
    assert list(files.listed(FOLDER)) == [download.stored_name]
