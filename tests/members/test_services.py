"""Enrolment, transfer by certificate and join applications, through the services."""

import datetime as dt

import pytest

from members.idnumber import make_id_number, parse_id_number
from members.models import ApplicationStatus, EndReason, JoinChannel, Membership, TransferStatus
from members.services import (
    MemberAlreadyActive,
    MemberError,
    PersonDetails,
    application_approve,
    application_reject,
    application_submit,
    member_enrol,
    membership_end,
    transfer_accept,
    transfer_cancel,
    transfer_issue,
)
from organizations.models import AuditAction, AuditEntry
from tests.members.helpers import person_id, workplace

pytestmark = pytest.mark.django_db


def enrol(user, union, enterprise, number=None, joined=dt.date(2015, 3, 1)):
    person = PersonDetails(id_number=parse_id_number(number or person_id()), name="卓玛", phone="13900001111")
    return member_enrol(user=user, person=person, union=union, employer=enterprise, joined_on=joined)


def test_enrol_creates_the_person_and_records_it(county):
    enterprise, union = workplace()
    membership = enrol(county, union, enterprise, make_id_number("540102", dt.date(1992, 1, 2), 123))
    assert membership.member.sex == "M" and membership.member.birth_date == dt.date(1992, 1, 2)
    assert membership.member.phone_masked == "139****1111"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(membership.pk)).exists()


def test_a_person_active_elsewhere_is_refused_naming_only_the_union(county, other_prefecture):
    enterprise, union = workplace()
    far_enterprise, far_union = workplace(area_id="540200")
    number = person_id()
    enrol(other_prefecture, far_union, far_enterprise, number)
    with pytest.raises(MemberAlreadyActive) as refused:
        enrol(county, union, enterprise, number)
    assert far_union.name in refused.value.message
    assert refused.value.membership is None  # outside the county's scope: no link to the person
    assert Membership.objects.count() == 1


def test_the_database_refuses_a_second_active_membership(county):
    from django.db import IntegrityError, transaction

    enterprise, union = workplace()
    membership = enrol(county, union, enterprise)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(member=membership.member, union=union, joined_on=dt.date(2015, 5, 1))


def test_out_of_scope_union_is_refused(county):
    enterprise, _ = workplace()
    _, far_union = workplace(area_id="540103")
    with pytest.raises(MemberError, match="管辖范围"):
        enrol(county, far_union, enterprise)


def test_ending_a_membership_keeps_it(county):
    enterprise, union = workplace()
    membership = enrol(county, union, enterprise)
    membership_end(user=county, membership=membership, left_on=dt.date(2015, 9, 1), reason=EndReason.LAPSED)
    membership.refresh_from_db()
    assert membership.left_on == dt.date(2015, 9, 1) and membership.end_reason == EndReason.LAPSED


def test_transfer_round_trip(county, other_prefecture):
    enterprise, union = workplace()
    far_enterprise, far_union = workplace(area_id="540200")
    old = enrol(county, union, enterprise)
    transfer = transfer_issue(user=county, membership=old, issued_on=dt.date(2015, 6, 1))
    assert transfer.number == f"ZJ-2015-{transfer.pk:06d}"
    with pytest.raises(MemberError, match="未接收"):
        transfer_issue(user=county, membership=old, issued_on=dt.date(2015, 6, 2))

    accepted = transfer_accept(
        user=other_prefecture,
        number=transfer.number.lower(),
        union=far_union,
        employer=far_enterprise,
        accepted_on=dt.date(2015, 6, 10),
    )
    old.refresh_from_db()
    new = accepted.to_membership
    assert (old.left_on, old.end_reason) == (dt.date(2015, 6, 10), EndReason.TRANSFER_OUT)
    assert (new.joined_on, new.channel, new.union) == (
        dt.date(2015, 6, 10),
        JoinChannel.TRANSFER_IN,
        far_union,
    )
    assert accepted.status == TransferStatus.ACCEPTED
    assert Membership.objects.filter(member=old.member).count() == 2
    with pytest.raises(MemberError, match="不能再次接收"):
        transfer_accept(
            user=other_prefecture,
            number=transfer.number,
            union=far_union,
            employer=None,
            accepted_on=dt.date(2015, 7, 1),
        )


def test_a_cancelled_certificate_allows_a_new_one(county):
    enterprise, union = workplace()
    old = enrol(county, union, enterprise)
    first = transfer_issue(user=county, membership=old, issued_on=dt.date(2015, 6, 1))
    transfer_cancel(user=county, transfer=first)
    second = transfer_issue(user=county, membership=old, issued_on=dt.date(2015, 6, 2))
    assert second.number != first.number


def test_receiving_union_must_be_in_the_receivers_scope(county, other_county):
    enterprise, union = workplace()
    old = enrol(county, union, enterprise)
    transfer = transfer_issue(user=county, membership=old, issued_on=dt.date(2015, 6, 1))
    with pytest.raises(MemberError, match="接收工会不在"):
        transfer_accept(
            user=other_county,
            number=transfer.number,
            union=union,
            employer=None,
            accepted_on=dt.date(2015, 6, 5),
        )


def test_join_and_approve_round_trip(county):
    enterprise, union = workplace()
    number = parse_id_number(person_id())
    application = application_submit(
        union=union, name="次仁拉姆", id_number=number, phone="13900002222", employer_name=enterprise.name
    )
    assert application.employer == enterprise
    # A second submission of the same person to the same union is dropped quietly.
    assert (
        application_submit(
            union=union, name="次仁拉姆", id_number=number, phone="13900002222", employer_name="x"
        )
        is None
    )
    membership = application_approve(
        user=county, application=application, employer=enterprise, joined_on=dt.date(2015, 4, 1)
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED and application.membership == membership
    assert membership.channel == JoinChannel.ONLINE and membership.member.reveal_phone() == "13900002222"
    with pytest.raises(MemberError, match="不能重复审核"):
        application_reject(user=county, application=application, reason="重复")


def test_reject_needs_a_reason(county):
    _, union = workplace()
    application = application_submit(
        union=union,
        name="格桑",
        id_number=parse_id_number(person_id()),
        phone="13900003333",
        employer_name="某公司",
    )
    with pytest.raises(MemberError, match="驳回理由"):
        application_reject(user=county, application=application, reason="  ")
    application_reject(user=county, application=application, reason="不在本单位工作")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


def test_other_county_cannot_decide_an_application(other_county):
    _, union = workplace()
    application = application_submit(
        union=union,
        name="格桑",
        id_number=parse_id_number(person_id()),
        phone="13900003333",
        employer_name="某公司",
    )
    with pytest.raises(MemberError, match="管辖范围"):
        application_reject(user=other_county, application=application, reason="x")
