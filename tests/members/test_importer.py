"""The member import: every row or none, each problem named by row and column."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from members.importer import MemberImporter
from members.models import JoinChannel, Member, Membership
from members.personal_data import keyed_hash
from tests.factories import MemberFactory, MembershipFactory, UnionFactory
from tests.members.helpers import csv_file, import_twice_at_once, person_id, roster_row, workplace

pytestmark = pytest.mark.django_db


def run(user, rows, **kwargs):
    return MemberImporter(user).run(csv_file(rows), **kwargs)


def messages(result):
    return [str(e) for e in result.errors]


def test_it_saves_every_row(county):
    enterprise, union = workplace()
    rows = [roster_row(enterprise, union, phone="+86 139 0000 0001"), roster_row(enterprise, union)]
    result = run(county, rows)
    assert result.ok, messages(result)
    assert result.saved == 2
    member = Member.objects.get(id_hash=keyed_hash(rows[0]["身份证号"]))
    assert member.reveal_phone() == "13900000001"
    assert member.phone_masked == "139****0001"
    assert member.birth_date == dt.date(1990, 5, 17)
    membership = member.memberships.get()
    assert (membership.union, membership.employer, membership.channel) == (
        union,
        enterprise,
        JoinChannel.SOURCE,
    )


def test_unions_and_employers_by_exact_name(county):
    enterprise, union = workplace()
    result = run(county, [roster_row(enterprise, union, 工作单位=enterprise.name, 所属工会=union.name)])
    assert result.ok, messages(result)


def test_each_validation_is_a_row_error(county):
    enterprise, union = workplace()
    good = person_id()
    rows = [
        roster_row(enterprise, union, id_number=good[:17] + ("0" if good[17] != "0" else "1")),
        roster_row(enterprise, union, id_number="540102900517123"),
        roster_row(enterprise, union, 民族="火星族"),
        roster_row(enterprise, union, 手机号="12345"),
        roster_row(enterprise, union, 是否农牧民工="也许"),
        roster_row(enterprise, union, 入会日期="2015-02-30"),
        roster_row(enterprise, union, 工作单位="不存在的公司"),
        roster_row(enterprise, union, 所属工会="不存在的工会"),
        roster_row(enterprise, union, 入会日期="2099-01-01"),
    ]
    result = run(county, rows)
    assert result.saved == 0
    found = messages(result)
    assert any(m.startswith("第2行「身份证号」：身份证号校验位错误") for m in found)
    assert any(m.startswith("第3行「身份证号」：这是15位旧身份证号") for m in found)
    assert any(m.startswith("第4行「民族」") for m in found)
    assert any(m.startswith("第5行「手机号」") for m in found)
    assert any(m.startswith("第6行「是否农牧民工」") for m in found)
    assert any(m.startswith("第7行「入会日期」") and "不存在" in m for m in found)
    assert any(m.startswith("第8行「工作单位」") for m in found)
    assert any(m.startswith("第9行「所属工会」") for m in found)
    assert any(m.startswith("第10行「入会日期」") for m in found)
    assert Member.objects.count() == 0


def test_lowercase_x_and_full_width_digits_are_the_same_person(county):
    enterprise, union = workplace()
    number = next(n for n in (person_id() for _ in range(50)) if n.endswith("X"))
    wide = number[:-1].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}) + "x"
    result = run(
        county,
        [roster_row(enterprise, union, id_number=number), roster_row(enterprise, union, id_number=wide)],
    )
    assert messages(result) == ["第3行「身份证号」：与第2行是同一人"]


def test_people_active_elsewhere_are_named_by_union_only(county):
    enterprise, union = workplace()
    far_union = UnionFactory(area_id="540200", name="日喀则某工会")
    holder = MembershipFactory(union=far_union)
    number = holder.member.reveal_id_number()
    result = run(county, [roster_row(enterprise, union, id_number=number)])
    (message,) = messages(result)
    assert "日喀则某工会" in message and "转会凭证" in message
    assert holder.member.name not in message


def test_a_former_member_may_rejoin(county):
    enterprise, union = workplace()
    old = MembershipFactory(
        union=union, joined_on=dt.date(2012, 1, 1), left_on=dt.date(2013, 1, 1), end_reason="lapsed"
    )
    result = run(county, [roster_row(enterprise, union, id_number=old.member.reveal_id_number())])
    assert result.ok, messages(result)
    assert Member.objects.count() == 1
    assert old.member.memberships.count() == 2


def test_out_of_scope_employer_and_union_are_row_errors(county):
    enterprise, union = workplace()
    far_enterprise, far_union = workplace(area_id="540103")
    result = run(county, [roster_row(far_enterprise, union), roster_row(enterprise, far_union)])
    assert messages(result) == [
        f"第2行「工作单位」：“{far_enterprise.credit_code}”不在您的管辖范围内",
        f"第3行「所属工会」：“{far_union.code}”不在您的管辖范围内",
    ]


def test_one_bad_row_among_5000_saves_nothing(county):
    enterprise, union = workplace()
    rows = [roster_row(enterprise, union, id_number=person_id(n)) for n in range(1, 5001)]
    rows[4321]["入会日期"] = "去年"
    result = run(county, rows)
    assert result.total == 5000
    assert messages(result) == ["第4323行「入会日期」：“去年”不是日期，请写成 2015-03-01"]
    assert Member.objects.count() == 0 and Membership.objects.count() == 0


def test_read_only_accounts_cannot_import(hq_viewer):
    enterprise, union = workplace()
    result = run(hq_viewer, [roster_row(enterprise, union)])
    assert result.file_error and Member.objects.count() == 0


def test_the_command(county, tmp_path, capsys):
    enterprise, union = workplace()
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_file([roster_row(enterprise, union)]).getvalue())
    call_command("import_members", str(path), "--user", "county", "--dry-run")
    assert Member.objects.count() == 0
    call_command("import_members", str(path), "--user", "county")
    assert Member.objects.count() == 1
    with pytest.raises(CommandError, match="Nothing saved"):
        call_command("import_members", str(path), "--user", "county")
    assert "在册会员" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_the_same_person(county):
    enterprise, union = workplace()
    MemberFactory()  # the sequences are not reset between transactional tests
    rows = [roster_row(enterprise, union, id_number=person_id(n)) for n in range(7000, 7300)]
    results = import_twice_at_once(county, rows)
    winners = [r for r in results if r.ok]
    losers = [r for r in results if not r.ok]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0].saved == 0
    assert len(losers[0].errors) == 300
    assert "在册会员" in losers[0].errors[0].message
    assert Membership.objects.filter(union=union).count() == 300
