"""The done-when journey: a prefecture clerk fills in May–June, HQ returns it once and accepts it."""

import datetime as dt

import pytest
from django.urls import reverse

from drives.periods import Period
from reports.models import ProgressReport, ReportStatus
from tests.drives.test_figures import join
from tests.factories import UnionFactory
from tests.reports.helpers import make_drive

pytestmark = pytest.mark.django_db
B3 = Period.parse("2015-B3")


@pytest.fixture
def drive(divisions):
    drive = make_drive()
    union = UnionFactory(area_id="540102")
    join(union, dt.date(2015, 4, 1))
    join(union, dt.date(2015, 5, 10))
    join(union, dt.date(2015, 6, 30))
    return drive


def start(client, period="2015-B3", unit="5401"):
    return client.post(reverse("reports:start", args=[2015, period, unit]))


def test_the_clerk_opens_may_june_prefilled_writes_and_submits(client_for, prefecture, hq, drive):
    client = client_for(prefecture)
    listing = client.get(reverse("reports:list"))
    assert listing.status_code == 200
    assert "填报" in listing.content.decode()

    response = start(client)
    report = ProgressReport.objects.get()
    assert response.url == reverse("reports:detail", args=[report.pk])
    page = client.get(response.url).content.decode()
    assert 'data-testid="figure-members_total"' in page
    assert ">3<" in page  # members at 30 June, prefilled
    assert ">+2<" in page  # two more than at the end of April

    client.post(
        reverse("reports:write", args=[report.pk]),
        {"progress": "新建工会", "counties_note": "县区未报", "submit": "1"},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.figures["members_total"] == 3

    hq_client = client_for(hq)
    hq_client.post(
        reverse("reports:review", args=[report.pk]), {"action": "return", "comments": "请补充问题"}
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED

    client = client_for(prefecture)
    assert "请补充问题" in client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    client.post(
        reverse("reports:write", args=[report.pk]),
        {"progress": "新建工会", "problems": "人手不足", "counties_note": "县区未报", "submit": "1"},
    )
    hq_client = client_for(hq)
    hq_client.post(reverse("reports:review", args=[report.pk]), {"action": "accept"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_frozen_figures_show_todays_value_beside_them(client_for, prefecture, drive):
    client = client_for(prefecture)
    start(client)
    report = ProgressReport.objects.get()
    client.post(
        reverse("reports:write", args=[report.pk]),
        {"progress": "进展", "counties_note": "县区未报", "submit": "1"},
    )
    join(UnionFactory(area_id="540102"), dt.date(2015, 6, 1))  # entered late, dated in the period

    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()

    frozen_row = page.split('data-testid="figure-members_total"')[1].split("</tr>")[0]
    assert ">3<" in frozen_row
    assert "现：4" in frozen_row


def test_another_prefecture_cannot_see_the_report(client_for, prefecture, other_prefecture, drive):
    start(client_for(prefecture))
    report = ProgressReport.objects.get()
    client = client_for(other_prefecture)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    assert client.post(reverse("reports:write", args=[report.pk]), {"progress": "x"}).status_code == 404
    assert client.post(reverse("reports:review", args=[report.pk]), {"action": "accept"}).status_code == 404


def test_county_staff_view_their_prefectures_report_but_cannot_submit(client_for, prefecture, county, drive):
    start(client_for(prefecture))
    report = ProgressReport.objects.get()
    client = client_for(county)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200
    assert (
        client.post(reverse("reports:write", args=[report.pk]), {"progress": "x", "submit": "1"}).status_code
        == 403
    )
    assert start(client).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_prefecture_cannot_review_its_own_report(client_for, prefecture, drive):
    client = client_for(prefecture)
    start(client)
    report = ProgressReport.objects.get()
    client.post(
        reverse("reports:write", args=[report.pk]),
        {"progress": "进展", "counties_note": "县区未报", "submit": "1"},
    )
    response = client.post(reverse("reports:review", args=[report.pk]), {"action": "accept"}, follow=True)
    assert "只有上一级" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_the_list_shows_late_units_and_reminders(client_for, hq, drive, django_assert_max_num_queries):
    client = client_for(hq)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("reports:list") + "?drive=2015").content.decode()
    # Today is long after 2015: every period's report is overdue for every unit.
    assert 'data-testid="reminders"' in page
    assert page.count('data-testid="unit-row"') == 8
    assert "已超过报送期限" in page


def test_every_page_answers_out_of_scope_personas_with_404(
    client_for, prefecture, other_prefecture, hq, drive
):
    start(client_for(prefecture))
    report = ProgressReport.objects.get()
    client = client_for(other_prefecture)
    for url in (
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:acceptance_detail", args=[2015, "5401"]),
        reverse("reports:special_report", args=[2015, "5401"]),
    ):
        assert client.get(url).status_code == 404, url
