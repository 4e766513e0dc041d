"""Parks, townships and areas are area data: the federation reads those its affiliates
stand in and edits none of them, create included (DESIGN, who uses it)."""

import datetime as dt

import pytest
from django.urls import reverse

from organizations.models import Area, EightHavesCheck, Enterprise, Park
from organizations.services.directory import DirectoryError, eight_haves_confirm, park_create, park_update
from tests.factories import EnterpriseFactory, ParkFactory, next_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def parks(divisions):
    """A Chengguan park with an affiliate in it, and one with none (the issue's park 1)."""
    theirs = ParkFactory(name="城关无联合会园区")
    with_affiliate = ParkFactory(name="城关有联合会园区")
    EnterpriseFactory(park=with_affiliate, federation_affiliate=True)
    EnterpriseFactory(park=theirs)
    return {"without": theirs, "with": with_affiliate}


def test_the_federation_lists_only_the_parks_its_affiliates_stand_in(parks, federation, client_for):
    page = client_for(federation).get(reverse("directory:park_list"))
    names = {park.name for park in page.context["page"]}
    assert names == {"城关有联合会园区"}
    assert reverse("directory:park_create") not in page.text
    assert reverse("directory:park_edit", args=[parks["with"].pk]) not in page.text


def test_the_federation_does_not_open_another_park(parks, federation, client_for):
    park = parks["without"]
    client = client_for(federation)
    url = reverse("directory:park_edit", args=[park.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "改名", "area": "540102", "version": park.version}).status_code == 404
    park.refresh_from_db()
    assert park.name == "城关无联合会园区" and park.version == 1


def test_the_federation_reads_but_does_not_save_its_affiliates_park(parks, federation, client_for):
    park = parks["with"]
    client = client_for(federation)
    url = reverse("directory:park_edit", args=[park.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "改名", "area": "540102", "version": park.version}).status_code == 403
    park.refresh_from_db()
    assert park.name == "城关有联合会园区" and park.version == 1
    with pytest.raises(DirectoryError, match="园区和乡镇资料"):
        park_update(user=federation, park=park, seen_version=1, name="改名")


def test_the_federation_creates_no_park(parks, federation, client_for):
    client = client_for(federation)
    assert client.get(reverse("directory:park_create")).status_code == 403
    assert (
        client.post(reverse("directory:park_create"), {"name": "新园区", "area": "540102"}).status_code == 403
    )
    with pytest.raises(DirectoryError, match="园区和乡镇资料"):
        park_create(user=federation, name="新园区", area=Area.objects.get(code="540102"))
    assert Park.objects.count() == 2


def test_the_federation_confirms_no_eight_haves(parks, federation):
    township = Area.objects.get(code="540102001")
    with pytest.raises(DirectoryError):
        eight_haves_confirm(user=federation, township=township, checked_on=dt.date(2015, 9, 1), haves={})
    assert not EightHavesCheck.objects.exists()


def test_the_federation_still_places_its_affiliates_anywhere(divisions, federation, client_for):
    """Placing a record is not reading area data: a new affiliate may go to any county."""
    response = client_for(federation).post(
        reverse("directory:enterprise_create"),
        {
            "name": "日喀则联合会企业",
            "credit_code": next_credit_code(),
            "area": "540202",
            "sector": "construction",
            "ownership": "nonpublic",
            "employees": 30,
            "migrant_workers": 20,
            "operating": "on",
        },
    )
    assert response.status_code == 302
    assert Enterprise.objects.get(name="日喀则联合会企业").federation_affiliate


def test_a_county_still_keeps_its_parks(parks, county, client_for):
    park = parks["without"]
    client = client_for(county)
    response = client.post(
        reverse("directory:park_edit", args=[park.pk]), {"name": "城关新名", "area": "540102", "version": 1}
    )
    assert response.status_code == 302
    park.refresh_from_db()
    assert park.name == "城关新名"
