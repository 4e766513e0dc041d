"""The read endpoints: each role sees its scope, nothing else; members masked; paginated."""

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from members.idnumber import make_id_number
from members.models import EndReason, Member, Membership
from organizations.models import Area
from tests.factories import EnterpriseFactory, MembershipFactory, UnionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(divisions):
    """An enterprise, a union and a member in Chengguan (540102) and in Shigatse (540202)."""
    made = {}
    for side, code in (("mine", "540102"), ("far", "540202")):
        area = Area.objects.get(code=code)
        enterprise = EnterpriseFactory(name=f"{side}企业", area=area)
        union = UnionFactory(name=f"{side}工会", area=area)
        member = make_member(f"{side}会员", code)
        MembershipFactory(member=member, union=union, employer=enterprise)
        made[side] = {"enterprise": enterprise, "union": union, "member": member}
    return made


def make_member(name: str, code: str = "540102", sequence: int = 1) -> Member:
    member = Member(name=name, birth_date=dt.date(1990, 5, 17), sex="M", is_migrant=True)
    member.set_id_number(make_id_number(code, member.birth_date, sequence))
    member.set_phone("13912341234")
    member.save()
    return member


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def names(response) -> set[str]:
    return {row["name"] for row in response.json()["results"]}


@pytest.mark.parametrize("endpoint", ["enterprises", "unions", "members"])
def test_lists_show_only_the_callers_scope(endpoint, records, county, other_prefecture, hq_viewer):
    assert names(api_for(county).get(f"/api/v1/{endpoint}/")) == {f"mine{_suffix(endpoint)}"}
    assert names(api_for(other_prefecture).get(f"/api/v1/{endpoint}/")) == {f"far{_suffix(endpoint)}"}
    assert names(api_for(hq_viewer).get(f"/api/v1/{endpoint}/")) == {
        f"mine{_suffix(endpoint)}",
        f"far{_suffix(endpoint)}",
    }


def _suffix(endpoint: str) -> str:
    return {"enterprises": "企业", "unions": "工会", "members": "会员"}[endpoint]


@pytest.mark.parametrize("kind", ["enterprise", "union", "member"])
def test_a_record_outside_the_scope_is_not_found(kind, records, county):
    mine, far = records["mine"][kind], records["far"][kind]
    client = api_for(county)
    assert client.get(f"/api/v1/{kind}s/{mine.pk}/").status_code == 200
    assert client.get(f"/api/v1/{kind}s/{far.pk}/").status_code == 404


def test_areas_are_looked_up_by_code_within_the_scope(divisions, county, prefecture):
    assert (
        api_for(prefecture).get("/api/v1/areas/540103/").json()["name"]
        == Area.objects.get(code="540103").name_zh
    )
    assert api_for(county).get("/api/v1/areas/540103/").status_code == 404
    codes = {row["code"] for row in api_for(county).get("/api/v1/areas/").json()["results"]}
    assert codes == {"540102", "540102001", "540102001201"}


def test_members_are_masked_as_on_the_pages_even_for_personal_data_viewers(records, county):
    county.can_view_personal_data = True
    county.save()
    body = api_for(county).get(f"/api/v1/members/{records['mine']['member'].pk}/").json()
    full = make_id_number("540102", dt.date(1990, 5, 17), 1)
    assert body["id_number"] == f"5401**********{full[-4:]}"
    assert body["phone"] == "139****1234"
    assert full not in str(body)


def test_a_member_shows_only_the_memberships_inside_the_scope(records, county, other_prefecture):
    """Someone who moved from Chengguan to Shigatse lies in Shigatse now (DESIGN): Chengguan
    is told 404 and lists them no more; Shigatse sees its own spell, not where they came from."""
    member = records["mine"]["member"]
    Membership.objects.filter(member=member).update(
        left_on=dt.date(2016, 1, 1), end_reason=EndReason.TRANSFER_OUT
    )
    far_union = records["far"]["union"]
    MembershipFactory(member=member, union=far_union, joined_on=dt.date(2016, 1, 1))
    assert api_for(county).get(f"/api/v1/members/{member.pk}/").status_code == 404
    listed = api_for(county).get("/api/v1/members/").json()
    assert member.pk not in [row["id"] for row in listed["results"]]
    far = api_for(other_prefecture).get(f"/api/v1/members/{member.pk}/").json()
    assert [m["union"] for m in far["memberships"]] == [far_union.pk]


def test_the_area_filter_narrows_but_never_widens(records, county, hq):
    assert names(api_for(hq).get("/api/v1/enterprises/?area=540200")) == {"far企业"}
    assert names(api_for(county).get("/api/v1/enterprises/?area=540200")) == set()
    assert names(api_for(county).get("/api/v1/enterprises/?area=999999")) == set()


def test_lists_are_paginated(divisions, hq):
    EnterpriseFactory.create_batch(3)
    client = api_for(hq)
    body = client.get("/api/v1/enterprises/?page=1").json()
    assert body["count"] == 3 and len(body["results"]) == 3 and body["next"] is None
    assert client.get("/api/v1/enterprises/?page=2").status_code == 404


def test_the_api_is_read_only_for_everyone(records, hq, hq_viewer):
    enterprise = records["mine"]["enterprise"]
    for user in (hq, hq_viewer):
        client = api_for(user)
        assert client.post("/api/v1/enterprises/", {"name": "x"}).status_code == 405
        assert client.patch(f"/api/v1/enterprises/{enterprise.pk}/", {"name": "x"}).status_code == 405
        assert client.delete(f"/api/v1/enterprises/{enterprise.pk}/").status_code == 405
    enterprise.refresh_from_db()
    assert enterprise.name == "mine企业"


def test_anonymous_callers_are_refused(records):
    assert APIClient().get("/api/v1/enterprises/").status_code in (401, 403)


def test_a_token_authenticates_and_keeps_the_scope(records, county):
    token = Token.objects.create(user=county)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert names(client.get("/api/v1/unions/")) == {"mine工会"}
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/v1/unions/").status_code == 401


def test_list_queries_do_not_grow_with_the_rows(divisions, hq, django_assert_max_num_queries):
    union = UnionFactory()

    def add_members(n):
        for _ in range(n):
            MembershipFactory(member=make_member("扎西", sequence=Member.objects.count() + 1), union=union)

    client = api_for(hq)
    add_members(3)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/members/").status_code == 200
    add_members(9)
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/members/").json()["results"]) == 12
