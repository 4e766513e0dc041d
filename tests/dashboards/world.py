"""A small drive's worth of records for dashboard tests, and a way to make it bigger.

`populate(n)` adds, in each of n counties per prefecture for two prefectures,
covered and uncovered enterprises, a union and migrant members, so tests can
compare a page on small data with the same page on several times the data.
"""

import datetime as dt
import itertools

from members.idnumber import make_id_number
from members.models import JoinChannel, Member, Membership
from organizations.models import Area, Coverage, Sector
from tests.factories import EnterpriseFactory, UnionFactory

_sequence = itertools.count(1)

PREFECTURES = ("540100", "540200")


def add_member(union, employer, *, born=dt.date(1990, 5, 17), joined=dt.date(2015, 3, 1)) -> Member:
    number = next(_sequence)
    member = Member(name=f"会员{number}", birth_date=born, sex="M", is_migrant=True)
    member.set_id_number(make_id_number(union.area_id[:6], born, number % 1000))
    member.set_phone(f"139{number:08d}")
    member.save()
    Membership.objects.create(
        member=member, union=union, employer=employer, joined_on=joined, channel=JoinChannel.SOURCE
    )
    return member


def populate_county(code: str, members: int = 3) -> None:
    area = Area.objects.get(code=code)
    covered = EnterpriseFactory(area=area, sector=Sector.CONSTRUCTION, employees=40, migrant_workers=4)
    EnterpriseFactory(area=area, sector=Sector.LOGISTICS, employees=10, migrant_workers=5)
    union = UnionFactory(area=area)
    Coverage.objects.create(union=union, enterprise=covered, started_on=dt.date(2014, 1, 1))
    for _ in range(members):
        add_member(union, covered)


def populate(counties_per_prefecture: int) -> None:
    for prefecture in PREFECTURES:
        counties = Area.objects.filter(parent_id=prefecture).order_by("code")[:counties_per_prefecture]
        for county in counties:
            populate_county(county.code)
