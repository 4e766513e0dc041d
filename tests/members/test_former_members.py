"""A person lies in the scope of their active membership (the last one when none is active).

The issue's case: a member transferred from 达孜区 (540104) to 堆龙德庆区 (540103). The 达孜
clerk keeps the 达孜 membership row and the certificate it issued, read-only, and loses the
person: their page, card, edit form, API record and export answer 404 or leave them out.
"""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from members.idnumber import parse_id_number
from members.models import EndReason, Member, Membership, TransferStatus
from members.services import (
    MemberError,
    PersonDetails,
    member_enrol,
    member_update,
    membership_end,
    transfer_accept,
    transfer_issue,
)
from organizations.models import AuditEntry, Role
from tests.factories import UserFactory
from tests.members.helpers import person_id, workplace

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(divisions):
    """达孜's member, transferred to 堆龙德庆 by certificate; both clerks."""
    dagze = UserFactory(username="dagze", role=Role.COUNTY, area_id="540104")
    doilung = UserFactory(username="doilung", role=Role.COUNTY, area_id="540103")
    old_firm, old_union = workplace(area_id="540104")
    new_firm, new_union = workplace(area_id="540103")
    person = PersonDetails(
        id_number=parse_id_number(person_id()), name="达孜会员", phone="13911112222", hukou_place="达孜户籍"
    )
    old = member_enrol(
        user=dagze, person=person, union=old_union, employer=old_firm, joined_on=dt.date(2015, 3, 1)
    )
    transfer = transfer_issue(user=dagze, membership=old, issued_on=dt.date(2016, 3, 1))
    transfer_accept(
        user=doilung,
        number=transfer.number,
        union=new_union,
        employer=new_firm,
        accepted_on=dt.date(2016, 4, 1),
    )
    member = Member.objects.get(pk=old.member_id)
    member.hukou_place = "堆龙现户籍"
    member.save()
    old.refresh_from_db()
    transfer.refresh_from_db()
    return {
        "dagze": dagze,
        "doilung": doilung,
        "member": member,
        "old": old,
        "transfer": transfer,
        "new_union": new_union,
        "new_firm": new_firm,
    }


def test_the_county_left_behind_does_not_open_the_person(moved, client_for):
    member = moved["member"]
    client = client_for(moved["dagze"])
    for name in ("member_detail", "member_card", "member_edit"):
        assert client.get(reverse(f"members:{name}", args=[member.pk])).status_code == 404, name
    api = APIClient()
    api.force_authenticate(moved["dagze"])
    assert api.get(f"/api/v1/members/{member.pk}/").status_code == 404
    assert member.pk not in [row["id"] for row in api.get("/api/v1/members/").json()["results"]]


def test_the_county_left_behind_cannot_edit_the_person(moved, client_for):
    member = moved["member"]
    response = client_for(moved["dagze"]).post(
        reverse("members:member_edit", args=[member.pk]),
        {"name": "改名", "ethnicity": "藏族", "phone": "", "hukou_place": "", "version": member.version},
    )
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.name == "达孜会员" and member.phone_masked and member.hukou_place == "堆龙现户籍"
    assert not AuditEntry.objects.filter(
        user=moved["dagze"], object_id=str(member.pk), action="update"
    ).exists()
    with pytest.raises(MemberError, match="不在您的管辖范围内"):
        member_update(
            user=moved["dagze"],
            member=member,
            seen_version=member.version,
            phone="",
            name="改名",
            ethnicity="藏族",
            hukou_place="",
            is_migrant=True,
        )


def test_the_county_it_moved_to_opens_and_edits_the_person(moved, client_for):
    member = moved["member"]
    client = client_for(moved["doilung"])
    page = client.get(reverse("members:member_detail", args=[member.pk]))
    assert page.status_code == 200 and moved["new_union"].name in page.text
    assert client.get(reverse("members:member_card", args=[member.pk])).status_code == 200
    response = client.post(
        reverse("members:member_edit", args=[member.pk]),
        {
            "name": "新名字",
            "ethnicity": "藏族",
            "phone": "",
            "hukou_place": "堆龙",
            "version": member.version,
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "新名字"


def test_its_own_rows_stay_with_the_county_read_only(moved, client_for):
    client = client_for(moved["dagze"])
    old, transfer = moved["old"], moved["transfer"]
    listing = client.get(reverse("members:former_members"))
    assert listing.status_code == 200
    text = listing.text
    assert "达孜会员" in text and moved["member"].id_masked in text and "2016-04-01" in text
    # The row, not the person: no current household place, union, employer, phone or page.
    for current in ("堆龙现户籍", moved["new_union"].name, moved["new_firm"].name, "139****2222"):
        assert current not in text
    assert reverse("members:member_detail", args=[moved["member"].pk]) not in text
    assert reverse("members:transfer_detail", args=[transfer.pk]) in text
    # The certificate it issued stays readable; nothing about it may be changed any more.
    certificate = client.get(reverse("members:transfer_detail", args=[transfer.pk]))
    assert certificate.status_code == 200 and transfer.number in certificate.text
    assert reverse("members:member_detail", args=[moved["member"].pk]) not in certificate.text
    for url in (
        reverse("members:membership_end", args=[old.pk]),
        reverse("members:membership_transfer", args=[old.pk]),
        reverse("members:transfer_cancel", args=[transfer.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"left_on": "2016-05-01", "reason": "lapsed"}).status_code == 403, url
    old.refresh_from_db()
    assert (old.left_on, old.end_reason) == (dt.date(2016, 4, 1), EndReason.TRANSFER_OUT)
    assert transfer.__class__.objects.get(pk=transfer.pk).status == TransferStatus.ACCEPTED


def test_the_receiving_county_does_not_see_the_senders_rows(moved, client_for):
    client = client_for(moved["doilung"])
    assert client.get(reverse("members:transfer_detail", args=[moved["transfer"].pk])).status_code == 404
    assert client.get(reverse("members:membership_end", args=[moved["old"].pk])).status_code == 404
    assert "达孜会员" not in client.get(reverse("members:former_members")).text


def test_the_roster_export_leaves_the_person_out(moved, client_for):
    for user, expected in ((moved["dagze"], False), (moved["doilung"], True)):
        response = client_for(user).get(reverse("members:member_export"))
        cells = {
            str(c)
            for row in load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(
                values_only=True
            )
            for c in row
        }
        assert ("达孜会员" in cells) is expected, user.username


def test_a_person_with_no_active_membership_lies_where_the_last_one_was(divisions, county, other_county):
    """Lapsed in 城关 (2016), after an earlier spell in 堆龙 that ended first (2015): 城关's."""
    mine_firm, mine_union = workplace()
    their_firm, their_union = workplace(area_id="540103")
    person = PersonDetails(id_number=parse_id_number(person_id()), name="两地会员")
    first = member_enrol(
        user=other_county,
        person=person,
        union=their_union,
        employer=their_firm,
        joined_on=dt.date(2014, 3, 1),
    )
    membership_end(user=other_county, membership=first, left_on=dt.date(2015, 1, 1), reason=EndReason.LAPSED)
    second = member_enrol(
        user=county, person=person, union=mine_union, employer=mine_firm, joined_on=dt.date(2015, 2, 1)
    )
    membership_end(user=county, membership=second, left_on=dt.date(2016, 1, 1), reason=EndReason.LAPSED)
    member = Member.objects.get(pk=first.member_id)
    assert list(Member.objects.visible_to(county)) == [member]
    assert not Member.objects.visible_to(other_county).exists()
    # Both counties keep their own membership rows.
    assert list(Membership.objects.visible_to(other_county)) == [first]
    # The county it lies in may still correct the person, not the ended rows.
    assert Member.objects.editable_by(county).filter(pk=member.pk).exists()
    assert not Membership.objects.editable_by(county).exists()


def test_a_membership_of_another_scope_cannot_be_ended(divisions, county, other_county):
    firm, union = workplace(area_id="540103")
    membership = member_enrol(
        user=other_county,
        person=PersonDetails(id_number=parse_id_number(person_id()), name="堆龙会员"),
        union=union,
        employer=firm,
        joined_on=dt.date(2015, 3, 1),
    )
    with pytest.raises(MemberError, match="不在您的管辖范围内"):
        membership_end(
            user=county, membership=membership, left_on=dt.date(2015, 6, 1), reason=EndReason.LAPSED
        )
    membership.refresh_from_db()
    assert membership.left_on is None


def test_the_application_stays_with_the_union_it_was_sent_to(moved, client_for):
    """A join application is its union's record: the county that approved it keeps it
    after the person has moved on, without a way to their page."""
    from members.services import application_approve, application_submit

    _, union = workplace(area_id="540104")
    application = application_submit(
        union=union,
        name="申请后迁出",
        id_number=parse_id_number(person_id()),
        phone="13900001111",
        employer_name="某公司",
    )
    membership = application_approve(
        user=moved["dagze"], application=application, employer=None, joined_on=dt.date(2015, 5, 1)
    )
    transfer = transfer_issue(user=moved["dagze"], membership=membership, issued_on=dt.date(2016, 3, 1))
    transfer_accept(
        user=moved["doilung"],
        number=transfer.number,
        union=moved["new_union"],
        employer=None,
        accepted_on=dt.date(2016, 4, 1),
    )
    page = client_for(moved["dagze"]).get(reverse("members:application_detail", args=[application.pk]))
    assert page.status_code == 200 and "申请后迁出" in page.text
    assert reverse("members:member_detail", args=[membership.member_id]) not in page.text


def test_the_former_list_costs_the_same_queries_for_more_rows(
    divisions, county, client_for, django_assert_max_num_queries
):
    firm, union = workplace()
    client = client_for(county)

    def add(n):
        for _ in range(n):
            membership = member_enrol(
                user=county,
                person=PersonDetails(id_number=parse_id_number(person_id()), name="离会会员"),
                union=union,
                employer=firm,
                joined_on=dt.date(2015, 3, 1),
            )
            membership_end(
                user=county, membership=membership, left_on=dt.date(2015, 9, 1), reason=EndReason.LAPSED
            )

    add(2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("members:former_members")).status_code == 200
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("members:former_members"))
    assert page.text.count("离会会员") == 10
