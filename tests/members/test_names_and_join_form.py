"""One rule for a person's name and free text wherever they enter (organizations.freetext),
and the public join form's rate limit, which a cache outage does not turn into an error.

The API only reads; every way in that writes is here: the public join form, the staff's
enrol and edit forms, the directory forms, the member import and the services behind them.
"""

import datetime as dt
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from members.idnumber import parse_id_number
from members.importer import MemberImporter
from members.join_links import ATTEMPTS_PER_HOUR, join_token
from members.models import JoinApplication, Member
from members.services import MemberError, PersonDetails, application_submit, member_enrol
from organizations.models import Enterprise
from tests.factories import next_credit_code
from tests.members.helpers import csv_file, person_id, roster_row, workplace
from tests.members.test_pages import join_post

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil","x")'
DDE = '=cmd|"/C calc"!A0'


@pytest.fixture
def fast_form(monkeypatch):
    monkeypatch.setattr("members.join_links.MIN_FILL_SECONDS", 0)
    cache.clear()


def test_the_join_form_refuses_a_formula_as_a_name_or_employer(divisions, client, fast_form):
    _, union = workplace()
    token = join_token(union)
    named = join_post(client, token, name=HYPERLINK)
    assert named.status_code == 200 and "像是公式" in named.content.decode()
    employed = join_post(client, token, employer_name=DDE)
    assert employed.status_code == 200 and "像是公式" in employed.content.decode()
    assert not JoinApplication.objects.exists()
    assert join_post(client, token, name="扎西·多吉").status_code == 302
    assert JoinApplication.objects.get().name == "扎西·多吉"


def test_the_enrol_and_edit_forms_refuse_them(county, client_for):
    enterprise, union = workplace()
    client = client_for(county)
    response = client.post(
        reverse("members:member_create"),
        {
            "name": HYPERLINK,
            "id_number": person_id(),
            "ethnicity": "藏族",
            "hukou_place": DDE,
            "is_migrant": "on",
            "union": union.pk,
            "employer": enterprise.pk,
            "joined_on": "2015-03-01",
            "channel": "source",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "像是公式" in errors["name"][0] and "像是公式" in errors["hukou_place"][0]
    assert not Member.objects.exists()

    membership = member_enrol(
        user=county,
        person=PersonDetails(id_number=parse_id_number(person_id()), name="扎西"),
        union=union,
        employer=enterprise,
        joined_on=dt.date(2015, 3, 1),
    )
    member = membership.member
    edited = client.post(
        reverse("members:member_edit", args=[member.pk]),
        {"name": "扎西<b>", "ethnicity": "藏族", "phone": "", "hukou_place": "", "version": member.version},
    )
    assert edited.status_code == 200 and "请去掉“<>”" in edited.context["form"].errors["name"][0]
    member.refresh_from_db()
    assert member.name == "扎西"


def test_the_services_hold_the_rule_whoever_calls_them(county):
    enterprise, union = workplace()
    with pytest.raises(MemberError) as refused:
        member_enrol(
            user=county,
            person=PersonDetails(id_number=parse_id_number(person_id()), name=HYPERLINK),
            union=union,
            employer=enterprise,
            joined_on=dt.date(2015, 3, 1),
        )
    assert refused.value.field == "name"
    with pytest.raises(MemberError) as refused:
        application_submit(
            union=union,
            name="达瓦",
            id_number=parse_id_number(person_id()),
            phone="13900001111",
            employer_name=DDE,
        )
    assert refused.value.field == "employer_name"
    assert not Member.objects.exists() and not JoinApplication.objects.exists()


def test_the_import_refuses_them_with_row_and_column(county):
    enterprise, union = workplace()
    rows = [
        roster_row(enterprise, union, name=HYPERLINK),
        roster_row(enterprise, union, name="扎西", 户籍地=DDE),
        roster_row(enterprise, union, name="扎西_2"),
    ]
    result = MemberImporter(county).run(csv_file(rows))
    messages = [str(error) for error in result.errors]
    assert any(m.startswith("第2行「姓名」") and "像是公式" in m for m in messages), messages
    assert any(m.startswith("第3行「户籍地」") and "像是公式" in m for m in messages), messages
    assert any(m.startswith("第4行「姓名」") and "“_”" in m for m in messages), messages
    assert result.saved == 0 and not Member.objects.exists()


def test_the_directory_forms_refuse_a_formula_as_a_name(county, client_for):
    response = client_for(county).post(
        reverse("directory:enterprise_create"),
        {
            "name": DDE,
            "credit_code": next_credit_code(),
            "area": "540102",
            "sector": "construction",
            "ownership": "nonpublic",
            "employees": 30,
            "migrant_workers": 20,
        },
    )
    assert response.status_code == 200 and "像是公式" in response.context["form"].errors["name"][0]
    assert not Enterprise.objects.filter(name=DDE).exists()


def test_the_join_form_is_limited_per_address(divisions, client, fast_form):
    _, union = workplace()
    token = join_token(union)
    statuses = [join_post(client, token).status_code for _ in range(ATTEMPTS_PER_HOUR + 1)]
    assert statuses == [302] * ATTEMPTS_PER_HOUR + [429]
    refused = join_post(client, token)
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    # Another address is not held back by this one.
    other = join_post(client.__class__(REMOTE_ADDR="10.9.8.7"), token)
    assert other.status_code == 302
    assert JoinApplication.objects.count() == ATTEMPTS_PER_HOUR + 1


def test_a_cache_outage_leaves_the_join_form_open(divisions, client, fast_form, settings, caplog):
    """Redis unreachable: the form still takes applications (the throttle fails open) and
    the outage is logged; it never answers 500."""
    _, union = workplace()
    token = join_token(union)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with caplog.at_level(logging.WARNING, logger="members.join_links"):
        statuses = [join_post(client, token).status_code for _ in range(ATTEMPTS_PER_HOUR + 2)]
    assert statuses == [302] * (ATTEMPTS_PER_HOUR + 2)
    assert JoinApplication.objects.count() == ATTEMPTS_PER_HOUR + 2
    assert any("cache is unreachable" in record.getMessage() for record in caplog.records)
