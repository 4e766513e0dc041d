"""Small builders for the directory tests."""

import datetime as dt
import itertools

from members.idnumber import make_id_number
from members.models import JoinChannel, Member, Membership
from organizations.models import Coverage
from tests.factories import UnionFactory

_sequence = itertools.count(1)


def make_member(is_migrant: bool = True) -> Member:
    # (tests.factories.MemberFactory excludes the ID number it needs; build members directly.)
    n = next(_sequence)
    birth = dt.date(1985, 1, 1) + dt.timedelta(days=n)
    member = Member(name=f"测试会员{n}", birth_date=birth, sex="M", is_migrant=is_migrant)
    member.set_id_number(make_id_number("540102", birth, n % 1000))
    member.set_phone("")
    member.save()
    return member


def cover(enterprise, members: int = 0, kind: str = "grassroots", union=None, started=dt.date(2014, 1, 1)):
    """A union covering enterprise, with `members` active migrant members employed there."""
    union = union or UnionFactory(area=enterprise.area, kind=kind)
    Coverage.objects.create(union=union, enterprise=enterprise, started_on=started)
    for _ in range(members):
        Membership.objects.create(
            member=make_member(),
            union=union,
            employer=enterprise,
            joined_on=dt.date(2015, 1, 1),
            channel=JoinChannel.SOURCE,
        )
    return union
