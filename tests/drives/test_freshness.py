"""Snapshots never go stale silently (DESIGN "Freshness").

A change to a dated record inside a stored period, made after the roll-up,
must show on the dashboard and the API at once (computed live, and said so),
queue the re-roll-up, and leave the snapshot fresh again once it has run.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from drives import freshness
from drives.models import Snapshot
from drives.periods import Period
from drives.rollup import rollup_period
from drives.snapshots import figures_at
from drives.tasks import refresh_stale
from members.models import EndReason
from organizations.models import Coverage, EightHavesCheck
from organizations.scopes import Scope
from tests.drives.test_figures import join, make_drive
from tests.factories import EnterpriseFactory, MemberFactory, MembershipFactory, UnionFactory
from tests.figures_on_pages import board_figure

B6 = Period.parse("2015-B6")
LHASA = Scope("area", "5401")
AFTER = dt.date(2016, 2, 1)  # the day the roll-ups run: every period of 2015 is over


@pytest.fixture
def rolled_up(divisions):
    drive = make_drive()
    union = UnionFactory(area_id="540102")
    join(union, dt.date(2015, 3, 1))
    join(union, dt.date(2015, 11, 20))
    rollup_period(drive=drive, period=B6, today=AFTER)
    assert freshness.stale_periods() == []
    return drive, union


def members_on_pages(client, api) -> tuple[str, int, bool]:
    html = client.get("/dashboard/540100/", {"date": B6.end.isoformat()}).content.decode()
    answer = api.get("/api/v1/metrics/", {"scope": "540100", "date": B6.end.isoformat()}).json()
    return (
        board_figure(html, "members_total").text,
        answer["figures"]["members_total"],
        answer["from_snapshot"],
    )


@pytest.mark.django_db
def test_a_late_member_shows_at_once_and_the_page_says_it_is_live(rolled_up, hq, client_for):
    drive, union = rolled_up
    client, api = client_for(hq), APIClient()
    api.force_authenticate(hq)
    assert members_on_pages(client, api) == ("2", 2, True)

    join(union, dt.date(2015, 12, 1))  # dated inside the stored period, added after the roll-up

    assert freshness.stale_periods() == [(drive.pk, "2015-B6")]
    assert members_on_pages(client, api) == ("3", 3, False)
    html = client.get("/dashboard/540100/", {"date": B6.end.isoformat()}).content.decode()
    assert 'data-testid="refreshing"' in html
    assert Snapshot.objects.get(period="2015-B6", scope_key="5401").figures["members_total"] == 2

    refresh_stale()

    assert freshness.stale_periods() == []
    assert Snapshot.objects.get(period="2015-B6", scope_key="5401").figures["members_total"] == 3
    assert members_on_pages(client, api) == ("3", 3, True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        "membership_ended",
        "member_no_longer_migrant",
        "firm_grows",
        "coverage_started",
        "union_dissolved",
        "eight_haves_checked",
        "target_changed",
    ],
)
def test_every_record_the_figures_read_marks_its_periods_stale(rolled_up, change):
    drive, union = rolled_up
    firm = EnterpriseFactory(area_id="540102", registered_on=dt.date(2014, 1, 1))
    refresh_stale()  # the new firm itself is a change
    assert freshness.stale_periods() == []
    membership = union.memberships.order_by("joined_on").first()
    if change == "membership_ended":
        membership.left_on, membership.end_reason = dt.date(2015, 12, 5), EndReason.LAPSED
        membership.save()
    elif change == "member_no_longer_migrant":
        membership.member.is_migrant = False
        membership.member.save()
    elif change == "firm_grows":
        firm.employees += 10
        firm.save()
    elif change == "coverage_started":
        Coverage.objects.create(union=union, enterprise=firm, started_on=dt.date(2015, 12, 1))
    elif change == "union_dissolved":
        union.dissolved_on = dt.date(2015, 12, 20)
        union.save()
    elif change == "eight_haves_checked":
        EightHavesCheck.objects.create(
            township_id="540102001", checked_on=dt.date(2015, 12, 3), has_staff=True
        )
    elif change == "target_changed":
        from drives.models import Target, UnitLevel

        Target.objects.create(
            drive=drive, scope_key="5401", area_id="540100", level=UnitLevel.PREFECTURE, member_target=9
        )

    assert freshness.stale_periods() == [(drive.pk, "2015-B6")], change


@pytest.mark.django_db
def test_changes_that_move_no_figure_leave_snapshots_fresh(rolled_up):
    _drive, union = rolled_up
    member = union.memberships.first().member
    member.name = "改名"
    member.save()
    union.name = "改名工会"
    union.save()
    join(union, dt.date(2016, 1, 15))  # after the stored period's day: moves nothing in it

    assert freshness.stale_periods() == []


@pytest.mark.django_db
def test_a_change_in_an_earlier_period_makes_every_later_one_stale(divisions):
    drive = make_drive()
    union = UnionFactory(area_id="540102")
    for name in ("2015-B3", "2015-B4", "2015-B5"):
        rollup_period(drive=drive, period=Period.parse(name), today=AFTER)
    join(union, dt.date(2015, 7, 10))  # inside B4: B4 and B5 move, B3 does not

    assert freshness.stale_periods() == [(drive.pk, "2015-B4"), (drive.pk, "2015-B5")]
    found = figures_at([LHASA], Period.parse("2015-B3").end, drive=drive)
    assert found.from_snapshot == {"5401"}


@pytest.mark.django_db
def test_a_write_queues_the_refresh_once_it_commits(
    rolled_up, county, client_for, django_capture_on_commit_callbacks
):
    """The services queue refresh_stale after commit (eager here, so it runs at once)."""
    _drive, union = rolled_up
    member = union.memberships.order_by("joined_on").first()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(county).post(
            reverse("members:membership_end", args=[member.pk]),
            {"left_on": "2015-12-10", "reason": EndReason.LAPSED},
        )
    assert response.status_code == 302
    assert freshness.stale_periods() == []  # re-rolled already
    assert Snapshot.objects.get(period="2015-B6", scope_key="5401").figures["members_total"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_still_uncommitted_when_the_roll_up_began_leaves_it_stale(divisions):
    """An import may hold its transaction open for minutes: the roll-up running meanwhile
    cannot see its rows, so whatever the ids, the snapshot stays stale until a later roll-up."""
    drive = make_drive()
    union = UnionFactory(area_id="540102")
    join(union, dt.date(2015, 3, 1))
    written, release = threading.Event(), threading.Event()

    def slow_import():
        try:
            with transaction.atomic():
                MembershipFactory(member=MemberFactory(), union=union, joined_on=dt.date(2015, 12, 1))
                written.set()
                release.wait(30)
        finally:
            connections.close_all()

    writer = threading.Thread(target=slow_import)
    writer.start()
    assert written.wait(30)
    join(union, dt.date(2015, 4, 1))  # a quick change commits after it, with a higher note id
    rollup_period(drive=drive, period=B6, today=AFTER)  # sees 2 members, the third is not committed
    assert Snapshot.objects.get(period="2015-B6", scope_key="5401").figures["members_total"] == 2
    release.set()
    writer.join(30)

    assert freshness.stale_periods() == [(drive.pk, "2015-B6")]
    assert figures_at([LHASA], B6.end, drive=drive)["5401"]["members_total"] == 3
    refresh_stale()
    assert freshness.stale_periods() == []
    assert connection.vendor == "postgresql"  # the visibility rule under test is PostgreSQL's


@pytest.mark.django_db
def test_the_notes_every_snapshot_has_seen_are_pruned(rolled_up):
    from drives.models import DataChange

    _drive, union = rolled_up
    join(union, dt.date(2015, 12, 2))
    assert DataChange.objects.exists()
    refresh_stale()
    assert not DataChange.objects.exists()
