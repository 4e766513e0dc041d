"""The reporting chain county → prefecture → HQ (issue: reporting chain and reminders).

Who may move a report is one table (reports.workflow); these tests hold each
role to it, follow a period up the chain with its history, and check the
chain's completeness figures against the grid.
"""

import datetime as dt

import pytest
from django.urls import reverse

from drives import figures
from drives.periods import Period
from notifications.models import Notification, NotificationKind
from organizations.models import Role
from organizations.scopes import Scope
from reports import workflow
from reports.models import ProgressReport, ReportAction, ReportEvent, ReportStatus
from reports.services import ReportError
from reports.services.progress import (
    report_accept,
    report_comment,
    report_correct,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from reports.units import unit_by_key
from tests.drives.test_figures import join
from tests.factories import UnionFactory, UserFactory
from tests.figures_on_pages import row_count
from tests.reports.helpers import make_drive

pytestmark = pytest.mark.django_db
B5 = Period.parse("2015-B5")


@pytest.fixture
def chain(divisions, county, other_county, prefecture, other_prefecture, hq):
    drive = make_drive()
    join(UnionFactory(area_id="540102"), dt.date(2015, 4, 1))
    shigatse_county = UserFactory(username="samzhubze", role=Role.COUNTY, area_id="540202")
    return drive, {
        "county": county,
        "other_county": other_county,
        "prefecture": prefecture,
        "other_prefecture": other_prefecture,
        "hq": hq,
        "shigatse_county": shigatse_county,
    }


def written(user, drive, unit: str, **narrative):
    report = report_open(user=user, drive=drive, period=B5, unit=unit_by_key(unit))
    report_save(user=user, report_id=report.pk, narrative={"progress": "进展", **narrative})
    return report


def submitted(user, drive, unit: str, **narrative):
    return report_submit(user=user, report_id=written(user, drive, unit, **narrative).pk)


# Who may do what: (actor, action, the unit's report) → allowed.
TABLE = [
    ("county", ReportAction.SUBMIT, "540102", True),
    ("other_county", ReportAction.SUBMIT, "540102", False),
    ("prefecture", ReportAction.SUBMIT, "540102", False),
    ("county", ReportAction.ACCEPT, "540102", False),
    ("prefecture", ReportAction.ACCEPT, "540102", True),
    ("prefecture", ReportAction.RETURN, "540102", True),
    ("other_prefecture", ReportAction.ACCEPT, "540102", False),
    ("hq", ReportAction.ACCEPT, "540102", False),  # a county's report is its prefecture's to review
    ("prefecture", ReportAction.ACCEPT, "5401", False),
    ("hq", ReportAction.ACCEPT, "5401", True),
    ("hq", ReportAction.RETURN, "5401", True),
    ("county", ReportAction.ACCEPT, "5401", False),
]


@pytest.mark.parametrize("actor,action,unit,allowed", TABLE)
def test_who_may_move_a_report(chain, actor, action, unit, allowed):
    drive, people = chain
    author = people["county"] if unit == "540102" else people["prefecture"]
    report = written(author, drive, unit, counties_note="县区尚未报送")
    if action != ReportAction.SUBMIT:
        report = report_submit(user=author, report_id=report.pk)
    assert workflow.may_act(people[actor], action, report, unit_by_key(unit)) is allowed
    service = {
        ReportAction.SUBMIT: lambda: report_submit(user=people[actor], report_id=report.pk),
        ReportAction.ACCEPT: lambda: report_accept(user=people[actor], report_id=report.pk),
        ReportAction.RETURN: lambda: report_return(
            user=people[actor], report_id=report.pk, comments="请补充"
        ),
    }[action]
    if allowed:
        service()
    else:
        with pytest.raises(ReportError):
            service()
        assert ProgressReport.objects.get(pk=report.pk).status == report.status


def test_a_period_goes_up_the_chain_with_its_history(chain, client_for):
    drive, people = chain
    report = submitted(people["county"], drive, "540102")
    with pytest.raises(ReportError, match=r"理由|意见"):
        report_return(user=people["prefecture"], report_id=report.pk, comments="  ")
    report_return(user=people["prefecture"], report_id=report.pk, comments="请补充新入会人数的来源")
    report_submit(user=people["county"], report_id=report.pk)
    report_comment(user=people["prefecture"], report_id=report.pk, comments="已收到，审核中")
    report_accept(user=people["prefecture"], report_id=report.pk)

    steps = list(ReportEvent.objects.filter(report=report).values_list("action", "user__username", "message"))
    assert steps == [
        (ReportAction.OPEN, "county", ""),
        (ReportAction.SUBMIT, "county", ""),
        (ReportAction.RETURN, "prefecture", "请补充新入会人数的来源"),
        (ReportAction.RESUBMIT, "county", ""),
        (ReportAction.COMMENT, "prefecture", "已收到，审核中"),
        (ReportAction.ACCEPT, "prefecture", ""),
    ]
    # The history is on the report at every level that may see it, and nowhere else.
    url = reverse("reports:detail", args=[report.pk])
    for who in ("county", "prefecture", "hq"):
        page = client_for(people[who]).get(url).content.decode()
        assert "请补充新入会人数的来源" in page and 'data-testid="history"' in page, who
    for who in ("other_county", "other_prefecture", "shigatse_county"):
        assert client_for(people[who]).get(url).status_code == 404, who
    # The county was told of the return and the acceptance; the prefecture of each submission.
    county_kinds = set(Notification.objects.filter(user=people["county"]).values_list("kind", flat=True))
    assert {NotificationKind.RETURNED, NotificationKind.ACCEPTED, NotificationKind.COMMENT} <= county_kinds
    assert (
        Notification.objects.filter(user=people["prefecture"], kind=NotificationKind.SUBMITTED).count() == 2
    )


def test_a_prefecture_submits_when_its_counties_are_accepted_or_says_why(chain):
    drive, people = chain
    county_report = submitted(people["county"], drive, "540102")
    report = written(people["prefecture"], drive, "5401")
    with pytest.raises(ReportError, match="城关区") as refused:
        report_submit(user=people["prefecture"], report_id=report.pk)
    assert refused.value.field == "counties_note"
    report_save(
        user=people["prefecture"],
        report_id=report.pk,
        narrative={"progress": "进展", "counties_note": "堆龙德庆区等因网络中断延后报送"},
    )
    assert report_submit(user=people["prefecture"], report_id=report.pk).status == ReportStatus.SUBMITTED
    report_accept(user=people["prefecture"], report_id=county_report.pk)


def test_a_county_correction_reopens_only_the_chain_above_it(chain):
    drive, people = chain
    county_report = submitted(people["county"], drive, "540102")
    report_accept(user=people["prefecture"], report_id=county_report.pk)
    other = submitted(people["other_county"], drive, "540103")
    report_accept(user=people["prefecture"], report_id=other.pk)
    lhasa = submitted(people["prefecture"], drive, "5401", counties_note="其余县区未报")
    shigatse = submitted(people["other_prefecture"], drive, "5402", counties_note="县区未报")

    correction = report_correct(user=people["county"], report_id=county_report.pk)

    assert correction.status == ReportStatus.DRAFT and correction.version == 2
    lhasa.refresh_from_db()
    assert lhasa.status == ReportStatus.RETURNED and "城关区更正" in lhasa.hq_comments
    assert ProgressReport.objects.get(pk=other.pk).status == ReportStatus.ACCEPTED  # a sibling stays
    assert ProgressReport.objects.get(pk=shigatse.pk).status == ReportStatus.SUBMITTED  # another chain stays
    assert Notification.objects.filter(user=people["prefecture"], kind=NotificationKind.REOPENED).exists()
    # The accepted county version stands while its correction is a draft.
    assert figures.reporting([Scope("area", "5401")], drive, B5)["5401"]["county_reports_accepted"] == 2


def test_the_chain_s_figures_match_the_grid_it_links_to(chain, client_for):
    drive, people = chain
    report_accept(user=people["prefecture"], report_id=submitted(people["county"], drive, "540102").pk)
    submitted(people["other_county"], drive, "540103")
    found = figures.reporting([Scope("area", "5401"), Scope.region()], drive, B5)
    assert (found["5401"]["county_reports_expected"], found["5401"]["county_reports_submitted"]) == (8, 2)
    assert found["5401"]["county_reports_accepted"] == 1
    assert found[""]["county_reports_expected"] == 74

    client = client_for(people["hq"])
    grid = client.get(reverse("reports:list"), {"drive": 2015}).content.decode()
    chain_cell = grid[grid.index('data-testid="chain-5401-2015-B5"') :].split("</div>")[0]
    assert "县区 已报 2/8 · 已采纳 1" in chain_cell
    for state, count in (("submitted", 2), ("accepted", 1), ("missing", 6), ("", 8)):
        query = {"drive": 2015, "level": "county", "area": "540100", "period": "2015-B5", "state": state}
        assert row_count(client.get(reverse("reports:list"), query).content.decode()) == count, state
    # A prefecture's clerk sees their counties' grid below their own row, and may review them.
    page = client_for(people["prefecture"]).get(reverse("reports:list")).content.decode()
    assert 'data-testid="county-grid"' in page and "城关区" in page
