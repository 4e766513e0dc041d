"""A large roster export runs as a background job: same scope, filters and masking as the page's."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from organizations import files
from organizations.models import AuditAction, AuditEntry, DownloadJob, DownloadStatus
from tests.members.helpers import workplace
from tests.members.test_pages import enrol

pytestmark = pytest.mark.django_db
EXPORT = reverse("members:member_export")


@pytest.fixture
def roster(county, other_county, hq, settings):
    settings.EXPORT_JOB_THRESHOLD = 1
    mine = workplace()
    theirs = workplace(area_id="540103")
    return {
        "mine": enrol(hq, mine[1], mine[0], name="本区会员", phone="13912345678"),
        "second": enrol(hq, mine[1], mine[0], name="本区二号", phone="13911112222"),
        "theirs": enrol(hq, theirs[1], theirs[0], name="邻区会员", phone="13987654321"),
    }


def run_job(client, django_capture_on_commit_callbacks, query=None):
    url = EXPORT + (f"?{query}" if query else "")
    assert "开始生成" in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = DownloadJob.objects.latest("pk")
    assert response["Location"] == reverse("directory:download_job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == DownloadStatus.DONE, job.error
    download = client.get(reverse("directory:download_job_file", args=[job.pk]))
    rows = list(
        load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(
            min_row=2, values_only=True
        )
    )
    files.delete(job.stored_name)
    return job, rows


@pytest.mark.parametrize("may_view", [False, True])
def test_the_roster_job_masks_as_the_page_does(
    client_for, county, roster, may_view, django_capture_on_commit_callbacks
):
    county.can_view_personal_data = may_view
    county.save()
    client = client_for(county)
    _job, rows = run_job(client, django_capture_on_commit_callbacks)
    assert sorted(row[0] for row in rows) == ["本区二号", "本区会员"]
    row = next(r for r in rows if r[0] == "本区会员")
    member = roster["mine"].member
    assert row[1] == (member.reveal_id_number() if may_view else member.id_masked)
    assert row[5] == ("13912345678" if may_view else member.phone_masked)
    assert "*" in member.id_masked and "*" in member.phone_masked
    views = AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL, user=county)
    assert views.count() == (1 if may_view else 0)
    if may_view:
        assert member.reveal_id_number() not in str(views.get().changes)


def test_the_roster_job_keeps_the_lists_filters(
    client_for, county, roster, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_JOB_THRESHOLD = 0  # the filter leaves one row: a job all the same
    job, rows = run_job(client_for(county), django_capture_on_commit_callbacks, "q=二号")
    assert [row[0] for row in rows] == ["本区二号"]
    assert job.params["query"]["q"] == "二号"


def test_another_user_cannot_reach_a_roster_job(client_for, county, other_county, roster):
    job = DownloadJob.objects.create(owner=county, export="members", title="会员名册")
    other = Client()
    other.force_login(other_county)
    for name in ("directory:download_job", "directory:download_job_status", "directory:download_job_file"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404
