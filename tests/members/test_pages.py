"""The member pages as each persona sees them: scope, masking, query counts, the round trips."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.idnumber import parse_id_number
from members.join_links import join_token, verify_code
from members.models import ApplicationStatus, JoinApplication, Membership, Transfer
from members.services import PersonDetails, application_submit, member_enrol, transfer_issue
from organizations.models import AuditAction, AuditEntry
from tests.members.helpers import person_id, workplace

pytestmark = pytest.mark.django_db


def enrol(user, union, enterprise, number=None, name="扎西次仁", phone="13912345678"):
    person = PersonDetails(id_number=parse_id_number(number or person_id()), name=name, phone=phone)
    return member_enrol(
        user=user, person=person, union=union, employer=enterprise, joined_on=dt.date(2015, 3, 1)
    )


@pytest.fixture
def two_counties(county, other_county, hq):
    mine = workplace()
    theirs = workplace(area_id="540103")
    return {
        "mine": enrol(hq, mine[1], mine[0], name="本区会员"),
        "theirs": enrol(hq, theirs[1], theirs[0], name="邻区会员", phone="13987654321"),
    }


def test_the_roster_shows_only_the_scope(client_for, county, two_counties):
    page = client_for(county).get(reverse("members:list"))
    assert "本区会员" in page.text and "邻区会员" not in page.text
    assert "139****5678" in page.text and "13912345678" not in page.text


def test_search_by_exact_id_number_and_phone(client_for, county, two_counties):
    client = client_for(county)
    number = two_counties["mine"].member.reveal_id_number()
    assert "本区会员" in client.get(reverse("members:list"), {"q": number.lower()}).text
    assert "本区会员" in client.get(reverse("members:list"), {"q": "+86 139 1234 5678"}).text
    assert "本区会员" not in client.get(reverse("members:list"), {"q": number[:10]}).text
    assert "本区会员" in client.get(reverse("members:list"), {"q": "本区"}).text


def test_the_roster_query_count_does_not_grow_with_rows(client_for, county, django_assert_max_num_queries):
    enterprise, union = workplace()
    for n in range(30):
        enrol(county, union, enterprise, name=f"会员{n}")
    client = client_for(county)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("members:list"), {"new_generation": "yes", "sector": "construction"})
    assert response.text.count("members/") >= 30


def test_revealing_is_for_the_right_and_recorded(client_for, county, two_counties):
    member = two_counties["mine"].member
    number = member.reveal_id_number()
    client = client_for(county)
    assert number not in client.get(reverse("members:member_detail", args=[member.pk]), {"reveal": 1}).text
    county.can_view_personal_data = True
    county.save()
    page = client.get(reverse("members:member_detail", args=[member.pk]), {"reveal": 1})
    assert number in page.text and "13912345678" in page.text
    entry = AuditEntry.objects.get(action=AuditAction.VIEW_PERSONAL)
    assert entry.user == county and number not in str(entry.changes) + entry.object_repr


@pytest.mark.parametrize("may_view", [False, True])
def test_the_export_masks_unless_the_user_may_view(client_for, county, two_counties, may_view):
    county.can_view_personal_data = may_view
    county.save()
    response = client_for(county).get(reverse("members:member_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = [c.value for c in sheet[2]]
    number = two_counties["mine"].member.reveal_id_number()
    assert (number in row) is may_view
    assert ("13912345678" in row) is may_view
    assert "邻区会员" not in str(list(sheet.values))


def test_every_page_is_not_found_outside_the_scope(client_for, other_county, two_counties):
    membership = two_counties["mine"]
    transfer = transfer_issue(
        user=membership.created_by, membership=membership, issued_on=dt.date(2015, 6, 1)
    )
    application = application_submit(
        union=membership.union,
        name="格桑",
        id_number=parse_id_number(person_id()),
        phone="13900001234",
        employer_name="x",
    )
    client = client_for(other_county)
    urls = [
        reverse("members:member_detail", args=[membership.member_id]),
        reverse("members:member_edit", args=[membership.member_id]),
        reverse("members:member_card", args=[membership.member_id]),
        reverse("members:membership_end", args=[membership.pk]),
        reverse("members:membership_transfer", args=[membership.pk]),
        reverse("members:transfer_detail", args=[transfer.pk]),
        reverse("members:transfer_cancel", args=[transfer.pk]),
        reverse("members:application_detail", args=[application.pk]),
        reverse("members:union_join_poster", args=[membership.union_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x", "left_on": "2015-09-01"}).status_code == 404, url
    assert Membership.objects.filter(left_on__isnull=False).count() == 0


def test_read_only_viewers_cannot_change_anything(client_for, hq_viewer, two_counties):
    membership = two_counties["mine"]
    client = client_for(hq_viewer)
    assert client.get(reverse("members:member_detail", args=[membership.member_id])).status_code == 200
    for url in (reverse("members:member_create"), reverse("members:membership_end", args=[membership.pk])):
        assert client.post(url, {}).status_code == 403


def test_entering_a_member_of_another_county_offers_the_transfer(client_for, county, two_counties):
    theirs = two_counties["theirs"]
    enterprise, union = workplace()
    response = client_for(county).post(
        reverse("members:member_create"),
        {
            "name": "邻区会员",
            "id_number": theirs.member.reveal_id_number(),
            "ethnicity": "藏族",
            "union": union.pk,
            "employer": enterprise.pk,
            "joined_on": "2015-05-01",
            "channel": "source",
        },
    )
    assert response.status_code == 200
    assert theirs.union.name in response.text and "转会凭证" in response.text
    assert "13987654321" not in response.text and "987654321" not in response.text
    assert Membership.objects.filter(union=union).count() == 0


def test_transfer_by_certificate_through_the_pages(
    client_for, county, other_prefecture, two_counties, client
):
    mine = two_counties["mine"]
    far_enterprise, far_union = workplace(area_id="540200")
    client_for(county)
    response = client.post(
        reverse("members:membership_transfer", args=[mine.pk]), {"issued_on": "2015-06-01"}
    )
    transfer = Transfer.objects.get()
    assert response.url == reverse("members:transfer_detail", args=[transfer.pk])
    certificate = client.get(response.url).text
    assert transfer.number in certificate and 'src="data:image/svg+xml' in certificate

    client.logout()
    verify = reverse("join:transfer_verify", args=[transfer.number])
    assert client.get(verify).status_code == 404  # the QR code's check is required
    public = client.get(verify, {"c": verify_code(transfer.number)})
    assert public.status_code == 200 and mine.union.name in public.text
    assert mine.member.name not in public.text and mine.member.id_masked not in public.text

    client_for(other_prefecture)
    accepted = client.post(
        reverse("members:transfer_accept"),
        {
            "number": transfer.number,
            "union": far_union.pk,
            "employer": far_enterprise.pk,
            "accepted_on": "2015-06-20",
        },
    )
    assert accepted.status_code == 302
    mine.refresh_from_db()
    assert mine.left_on == dt.date(2015, 6, 20)
    assert Membership.objects.get(union=far_union).joined_on == dt.date(2015, 6, 20)


def join_post(client, token, **over):
    data = {
        "name": "达瓦",
        "id_number": person_id(),
        "phone": "13900009999",
        "ethnicity": "藏族",
        "employer_name": "某建筑公司",
        "website": "",
        "started": "",
    }
    form = client.get(reverse("join:application_form", args=[token]))
    data["started"] = form.context["form"].initial["started"]
    data.update(over)
    return client.post(reverse("join:application_form", args=[token]), data)


def test_join_by_qr_code_and_approve(client_for, county, client, settings, monkeypatch):
    monkeypatch.setattr("members.join_links.MIN_FILL_SECONDS", 0)
    enterprise, union = workplace()
    poster = client_for(county).get(reverse("members:union_join_poster", args=[union.pk]))
    token = join_token(union)
    assert token in poster.text and str(union.pk) + "." in token
    client.logout()
    assert client.get(reverse("join:application_form", args=["1.forged"])).status_code == 404
    response = join_post(client, token, employer_name=enterprise.name)
    assert response.status_code == 302 and response.url == reverse("join:application_done", args=[token])
    application = JoinApplication.objects.get()

    staff = client_for(county)
    assert application.name in staff.get(reverse("members:applications")).text
    approved = staff.post(
        reverse("members:application_detail", args=[application.pk]),
        {
            "approve": "1",
            "employer": enterprise.pk,
            "joined_on": "2015-05-05",
            "channel": "source",
            "is_migrant": "on",
        },
    )
    assert approved.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert application.membership.channel == "source" and application.membership.union == union


def test_the_public_form_answers_the_same_for_a_known_person(client, county, monkeypatch):
    monkeypatch.setattr("members.join_links.MIN_FILL_SECONDS", 0)
    enterprise, union = workplace()
    known = enrol(county, union, enterprise)
    first = join_post(client, join_token(union), id_number=known.member.reveal_id_number())
    second = join_post(client, join_token(union))
    assert first.status_code == second.status_code == 302
    assert first.url == second.url


def test_bots_are_refused(client, divisions, monkeypatch):
    _, union = workplace()
    token = join_token(union)
    assert "刷新页面" in join_post(client, token).text  # faster than a person can type
    monkeypatch.setattr("members.join_links.MIN_FILL_SECONDS", 0)
    assert "刷新页面" in join_post(client, token, website="http://spam").text
    assert JoinApplication.objects.count() == 0


def test_the_public_form_is_rate_limited(client, divisions, monkeypatch):
    monkeypatch.setattr("members.join_links.MIN_FILL_SECONDS", 0)
    _, union = workplace()
    token = join_token(union)
    statuses = [join_post(client, token).status_code for _ in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
    assert JoinApplication.objects.count() == 10


def test_finding_a_poster_by_union_code_stays_in_scope(client_for, county, other_county):
    _, union = workplace()
    found = client_for(county).get(reverse("members:union_join_poster_find"), {"union": union.code})
    assert found.url == reverse("members:union_join_poster", args=[union.pk])
    refused = client_for(other_county).get(reverse("members:union_join_poster_find"), {"union": union.code})
    assert refused.url == reverse("members:applications")


def test_the_receiving_side_sees_the_history_but_not_the_senders_certificate(
    client_for, county, other_prefecture
):
    from members.services import transfer_accept

    enterprise, union = workplace()
    _, far_union = workplace(area_id="540200")
    old = enrol(county, union, enterprise)
    transfer = transfer_issue(user=county, membership=old, issued_on=dt.date(2015, 6, 1))
    transfer_accept(
        user=other_prefecture,
        number=transfer.number,
        union=far_union,
        employer=None,
        accepted_on=dt.date(2015, 6, 9),
    )
    page = client_for(other_prefecture).get(reverse("members:member_detail", args=[old.member_id]))
    assert transfer.number in page.text and far_union.name in page.text
    assert reverse("members:transfer_detail", args=[transfer.pk]) not in page.text
