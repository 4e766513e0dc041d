"""Figures against hand-computed scenarios (DESIGN "The figures")."""

import datetime as dt

import pytest

from drives import figures
from drives.models import Drive, Target, UnitLevel
from drives.periods import Period
from members.models import EndReason, JoinChannel
from organizations.models import Coverage, EightHavesCheck, Sector, UnionKind
from organizations.scopes import Scope
from tests.factories import (
    EnterpriseFactory,
    MemberFactory,
    MembershipFactory,
    ParkFactory,
    UnionFactory,
)

pytestmark = pytest.mark.django_db

LHASA = Scope("area", "5401")
CHENGGUAN = Scope("area", "540102")
DOILUNG = Scope("area", "540103")
SHIGATSE = Scope("area", "5402")
B3 = Period.parse("2015-B3")  # May–June 2015


def make_drive(**kwargs) -> Drive:
    return Drive.objects.create(**Drive.plan_calendar(2015) | kwargs)


def join(union, on, *, channel=JoinChannel.SOURCE, left_on=None, end_reason="", employer=None, **member):
    return MembershipFactory(
        member=MemberFactory(**member),
        union=union,
        joined_on=on,
        channel=channel,
        left_on=left_on,
        end_reason=end_reason,
        employer=employer,
    )


def test_members_on_the_period_boundaries(divisions):
    union = UnionFactory(area_id="540102")
    join(union, B3.start)  # first day: in the period and active at its end
    join(union, B3.end)  # last day: counted
    join(union, B3.end + dt.timedelta(days=1))  # the day after: not yet
    join(union, dt.date(2015, 4, 30))  # before: active, not new
    join(union, dt.date(2015, 1, 1), left_on=B3.end, end_reason=EndReason.LAPSED)  # left on the last day
    join(union, dt.date(2015, 1, 1), is_migrant=False)  # not a migrant worker

    found = figures.compute(CHENGGUAN, B3.end)

    assert found["members_total"] == 3
    assert found["members_new"] == 2


def test_a_transfer_moves_the_member_and_counts_once(divisions):
    chengguan = UnionFactory(area_id="540102")
    doilung = UnionFactory(area_id="540103")
    member = MemberFactory()
    MembershipFactory(
        member=member,
        union=chengguan,
        joined_on=dt.date(2015, 3, 1),
        left_on=dt.date(2015, 5, 20),
        end_reason=EndReason.TRANSFER_OUT,
    )
    MembershipFactory(
        member=member, union=doilung, joined_on=dt.date(2015, 5, 20), channel=JoinChannel.TRANSFER_IN
    )

    found = figures.compute_many([CHENGGUAN, DOILUNG, LHASA], B3.end)

    assert (found["540102"]["members_total"], found["540103"]["members_total"]) == (0, 1)
    assert found["540102"]["transfers_out"] == 1 and found["540102"]["transfers_in"] == 0
    assert found["540103"]["transfers_in"] == 1 and found["540103"]["members_new"] == 0
    # Inside Lhasa the move is both an in and an out, and the person is one member.
    assert found["5401"]["members_total"] == 1
    assert (found["5401"]["transfers_in"], found["5401"]["transfers_out"]) == (1, 1)
    # On the transfer day itself the person is in the new union only.
    on_the_day = figures.compute_many([CHENGGUAN, DOILUNG], dt.date(2015, 5, 20))
    assert (on_the_day["540102"]["members_total"], on_the_day["540103"]["members_total"]) == (0, 1)


def test_lapsed_members_leave_the_total(divisions):
    union = UnionFactory(area_id="540102")
    join(union, dt.date(2014, 6, 1), left_on=dt.date(2015, 5, 31), end_reason=EndReason.LAPSED)
    join(union, dt.date(2014, 6, 1))

    assert figures.compute(CHENGGUAN, dt.date(2015, 5, 30))["members_total"] == 2
    assert figures.compute(CHENGGUAN, dt.date(2015, 5, 31))["members_total"] == 1


def test_new_generation_starts_on_1_january_1980(divisions):
    union = UnionFactory(area_id="540102")
    join(union, dt.date(2015, 3, 1), birth_date=dt.date(1980, 1, 1))
    join(union, dt.date(2015, 3, 1), birth_date=dt.date(1979, 12, 31))

    found = figures.compute(CHENGGUAN, B3.end)

    assert (found["members_total"], found["new_generation_members"]) == (2, 1)


def test_baseline_growth_and_target_progress(divisions):
    drive = make_drive()
    union = UnionFactory(area_id="540102")
    for _ in range(4):
        join(union, dt.date(2014, 12, 31))  # in the baseline (end of 2014)
    join(union, dt.date(2015, 1, 1))
    Target.objects.create(
        drive=drive, scope_key="540102", area_id="540102", level=UnitLevel.COUNTY, member_target=10
    )

    found = figures.compute(CHENGGUAN, B3.end, drive=drive)

    assert found["members_baseline"] == 4
    assert found["growth_rate"] == pytest.approx(0.25)
    assert found["target_members"] == 10
    assert found["target_progress"] == pytest.approx(0.5)


def test_a_declared_baseline_wins_and_the_region_sums_prefecture_targets(divisions):
    drive = make_drive()
    union = UnionFactory(area_id="540102")
    for _ in range(3):
        join(union, dt.date(2015, 3, 1))
    Target.objects.create(
        drive=drive,
        scope_key="5401",
        area_id="540100",
        level=UnitLevel.PREFECTURE,
        member_target=12,
        declared_baseline=2,
    )
    Target.objects.create(
        drive=drive, scope_key="5402", area_id="540200", level=UnitLevel.PREFECTURE, member_target=8
    )
    Target.objects.create(
        drive=drive, scope_key="540102", area_id="540102", level=UnitLevel.COUNTY, member_target=5
    )
    Target.objects.create(
        drive=drive, scope_key="federation", is_federation=True, level=UnitLevel.FEDERATION, member_target=100
    )

    found = figures.compute_many([LHASA, Scope.region()], B3.end, drive=drive)

    assert found["5401"]["members_baseline"] == 2
    assert found["5401"]["growth_rate"] == pytest.approx(0.5)
    assert found["5401"]["target_progress"] == pytest.approx(0.25)
    assert found[""]["target_members"] == 20  # prefectures only, not the county nor the federation


def test_four_element_coverage_and_the_80_percent_rule(divisions):
    union = UnionFactory(area_id="540102", founded_on=dt.date(2014, 1, 1))
    compliant = EnterpriseFactory(employees=40, migrant_workers=10)
    short = EnterpriseFactory(employees=40, migrant_workers=9)
    uncovered = EnterpriseFactory(employees=40, migrant_workers=5)
    EnterpriseFactory(employees=40, has_party_org=False)  # not four-element
    for firm in (compliant, short):
        Coverage.objects.create(union=union, enterprise=firm, started_on=dt.date(2014, 1, 1))
    for _ in range(8):
        join(union, dt.date(2015, 3, 1), employer=compliant)  # 8/10 = 80 %: compliant
    for _ in range(7):
        join(union, dt.date(2015, 3, 1), employer=short)  # 7/9 = 77.8 %: not

    found = figures.compute(CHENGGUAN, B3.end)

    assert found["four_element_total"] == 3
    assert found["four_element_covered"] == 2
    assert found["four_element_compliant"] == 1
    assert found["four_element_membership_rate"] == pytest.approx(15 / 24)
    assert uncovered.pk  # counted in the total, covered by nobody


def test_a_union_dissolved_mid_period_stops_covering_on_its_dissolution_day(divisions):
    union = UnionFactory(area_id="540102", kind=UnionKind.JOINT, dissolved_on=dt.date(2015, 5, 15))
    firm = EnterpriseFactory(employees=10, migrant_workers=5, sector=Sector.LOGISTICS)
    Coverage.objects.create(union=union, enterprise=firm, started_on=dt.date(2014, 1, 1))

    before = figures.compute(CHENGGUAN, dt.date(2015, 5, 14))
    after = figures.compute(CHENGGUAN, B3.end)

    assert (before["small_enterprises_total"], before["small_enterprises_covered"]) == (1, 1)
    assert (after["small_enterprises_total"], after["small_enterprises_covered"]) == (1, 0)
    assert before["coverage_by_sector"]["logistics"] == {"enterprises": 1, "covered": 1}
    assert after["coverage_by_sector"]["logistics"] == {"enterprises": 1, "covered": 0}


@pytest.mark.parametrize("kind", [UnionKind.GRASSROOTS, UnionKind.JOINT, UnionKind.PROJECT_FEDERATION])
def test_a_small_firm_is_covered_by_any_active_union(divisions, kind):
    """DESIGN: its own union, a joint grassroots union or a project federation (the plan's forms
    for small units and construction sites) all cover a small firm."""
    union = UnionFactory(area_id="540102", kind=kind)
    firm = EnterpriseFactory(employees=10, migrant_workers=5)
    EnterpriseFactory(employees=8, migrant_workers=2)  # covered by nobody
    Coverage.objects.create(union=union, enterprise=firm, started_on=dt.date(2014, 1, 1))

    found = figures.compute(CHENGGUAN, B3.end)

    assert (found["small_enterprises_total"], found["small_enterprises_covered"]) == (2, 1)


def test_a_closed_enterprise_leaves_every_count_on_its_closing_day(divisions):
    EnterpriseFactory(closed_on=dt.date(2015, 6, 30))
    EnterpriseFactory(registered_on=dt.date(2015, 7, 1))  # registered after the period

    assert figures.compute(CHENGGUAN, dt.date(2015, 6, 29))["four_element_total"] == 1
    assert figures.compute(CHENGGUAN, B3.end)["four_element_total"] == 0


def test_parks_townships_and_communities(divisions):
    park = ParkFactory(area_id="540102")
    ParkFactory(area_id="540103", established_on=dt.date(2015, 7, 1))  # not yet
    UnionFactory(area_id="540102", kind=UnionKind.PARK, park=park, founded_on=B3.end)
    UnionFactory(area_id="540102001201", kind=UnionKind.COMMUNITY)
    all_eight = dict.fromkeys(
        [
            "has_staff",
            "has_sign",
            "has_seal",
            "has_plan",
            "has_rules",
            "has_venue",
            "has_funds",
            "has_archives",
        ],
        True,
    )
    EightHavesCheck.objects.create(township_id="540102001", checked_on=dt.date(2015, 3, 1), **all_eight)
    # A later check finds a missing seal: the township no longer has all eight.
    EightHavesCheck.objects.create(township_id="540103001", checked_on=dt.date(2015, 3, 1), **all_eight)
    EightHavesCheck.objects.create(
        township_id="540103001", checked_on=dt.date(2015, 6, 1), **(all_eight | {"has_seal": False})
    )

    found = figures.compute_many([LHASA, CHENGGUAN, Scope.federation()], B3.end)

    assert (found["5401"]["parks_total"], found["5401"]["parks_with_union"]) == (1, 1)
    assert (found["5401"]["townships_total"], found["5401"]["townships_eight_haves"]) == (2, 1)
    assert (found["5401"]["communities_total"], found["5401"]["communities_with_union"]) == (2, 1)
    assert found["540102"]["townships_eight_haves"] == 1
    assert found["federation"]["parks_total"] is None
    assert figures.compute(LHASA, dt.date(2015, 5, 31))["townships_eight_haves"] == 2


def test_federation_scope_counts_affiliates_wherever_they_are(divisions):
    affiliate = UnionFactory(area_id="540102", federation_affiliate=True)
    shigatse_affiliate = UnionFactory(area_id="540103", federation_affiliate=True)
    other = UnionFactory(area_id="540102")
    join(affiliate, dt.date(2015, 3, 1))
    join(shigatse_affiliate, dt.date(2015, 3, 1))
    join(other, dt.date(2015, 3, 1))
    EnterpriseFactory(federation_affiliate=True)
    EnterpriseFactory()

    found = figures.compute_many([Scope.federation(), CHENGGUAN, SHIGATSE], B3.end)

    assert found["federation"]["members_total"] == 2
    assert found["federation"]["four_element_total"] == 1
    assert found["540102"]["members_total"] == 2
    assert found["5402"]["members_total"] == 0


def test_compute_many_costs_the_same_for_seven_or_seventy_scopes(divisions, django_assert_max_num_queries):
    from organizations.models import Area

    union = UnionFactory(area_id="540102")
    join(union, dt.date(2015, 3, 1))
    counties = [Scope.of_area(a) for a in Area.objects.filter(level="county")]
    assert len(counties) > 70
    with django_assert_max_num_queries(10):
        found = figures.compute_many(counties, B3.end)
    assert found["540102"]["members_total"] == 1
    assert sum(f["members_total"] for f in found.values()) == 1


def test_a_union_scope_counts_its_own_members_and_the_firms_it_covers(divisions):
    union = UnionFactory(area_id="540102", kind=UnionKind.JOINT)
    neighbour = UnionFactory(area_id="540102")
    covered = EnterpriseFactory(employees=10, migrant_workers=4, sector=Sector.LOGISTICS)
    EnterpriseFactory(employees=10, migrant_workers=4)  # same county, not the union's
    Coverage.objects.create(union=union, enterprise=covered, started_on=dt.date(2014, 1, 1))
    join(union, dt.date(2015, 3, 1), employer=covered)
    join(union, dt.date(2015, 5, 10))
    join(neighbour, dt.date(2015, 3, 1))
    mine = Scope("union", "540102", union.pk)

    found = figures.compute(mine, B3.end)

    assert (found["members_total"], found["members_new"]) == (2, 1)
    assert (found["small_enterprises_total"], found["small_enterprises_covered"]) == (1, 1)
    assert found["coverage_by_sector"]["logistics"] == {"enterprises": 1, "covered": 1}
    assert found["parks_total"] is None  # places belong to areas, not to a union


def test_compute_many_gives_each_scope_what_compute_gives_it_alone(divisions):
    lhasa_union = UnionFactory(area_id="540102", founded_on=dt.date(2014, 1, 1))
    doilung_union = UnionFactory(area_id="540103", federation_affiliate=True)
    shigatse_union = UnionFactory(area_id="540200", kind=UnionKind.JOINT)
    firm = EnterpriseFactory(area_id="540102", employees=40, migrant_workers=5)
    small = EnterpriseFactory(area_id="540200", employees=8, migrant_workers=3, federation_affiliate=True)
    Coverage.objects.create(union=lhasa_union, enterprise=firm, started_on=dt.date(2014, 1, 1))
    Coverage.objects.create(union=shigatse_union, enterprise=small, started_on=dt.date(2015, 5, 1))
    for union, employer in ((lhasa_union, firm), (doilung_union, None), (shigatse_union, small)):
        join(union, dt.date(2014, 6, 1), employer=employer)
        join(union, dt.date(2015, 5, 2), employer=employer)
    scopes = [Scope.region(), LHASA, CHENGGUAN, DOILUNG, SHIGATSE, Scope.federation()]
    scopes.append(Scope("union", "5402", shigatse_union.pk))  # its own key, not Shigatse's

    together = figures.compute_many(scopes, B3.end)

    for scope in scopes:
        assert together[scope.key] == figures.compute(scope, B3.end), scope
    assert together[""]["members_total"] == 6
    assert together["federation"]["small_enterprises_total"] == 1


def test_a_trend_line_counts_what_compute_counts_on_each_day(divisions, django_assert_num_queries):
    union = UnionFactory(area_id="540102")
    join(union, dt.date(2015, 1, 10))
    join(union, dt.date(2015, 3, 5), left_on=dt.date(2015, 6, 1), end_reason=EndReason.LAPSED)
    join(union, dt.date(2015, 6, 30))
    days = [p.end for p in Period.of_year(2015)[:4]]

    with django_assert_num_queries(1):
        line = figures.members_total_on(LHASA, days)

    assert list(line.values()) == [1, 2, 2, 2]
    assert line == {day: figures.compute(LHASA, day)["members_total"] for day in days}
