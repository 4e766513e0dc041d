"""Park list, create and edit."""

import pytest
from django.urls import reverse

from organizations.models import Park, UnionKind
from tests.factories import EnterpriseFactory, ParkFactory, UnionFactory
from tests.organizations.helpers import cover

pytestmark = pytest.mark.django_db


def test_the_list_shows_which_parks_have_a_union(county, client_for):
    with_union = ParkFactory(name="有工会园区")
    UnionFactory(kind=UnionKind.PARK, park=with_union)
    ParkFactory(name="无工会园区")
    ParkFactory(name="堆龙园区", area_id="540103")
    response = client_for(county).get(reverse("directory:park_list"))
    parks = {p.name: p.has_union for p in response.context["page"]}
    assert parks == {"有工会园区": True, "无工会园区": False}


def test_a_clerk_registers_and_renames_a_park(county, client_for):
    client = client_for(county)
    client.post(reverse("directory:park_create"), {"name": "城关物流园", "area": "540102"})
    park = Park.objects.get()
    client.post(
        reverse("directory:park_edit", args=[park.pk]),
        {"name": "城关现代物流园", "area": "540102", "version": 1},
    )
    park.refresh_from_db()
    assert park.name == "城关现代物流园" and park.version == 2


def test_another_countys_park_is_not_found(county, client_for):
    theirs = ParkFactory(area_id="540103")
    response = client_for(county).post(
        reverse("directory:park_edit", args=[theirs.pk]), {"name": "x", "area": "540102"}
    )
    assert response.status_code == 404
    response = client_for(county).post(reverse("directory:park_create"), {"name": "x", "area": "540103"})
    assert "不在您的管辖范围内" in " ".join(response.context["form"].errors["area"])


def test_the_enterprise_detail_shows_coverage_and_rate(county, client_for):
    firm = EnterpriseFactory(migrant_workers=20)
    union = cover(firm, members=9)
    response = client_for(county).get(reverse("directory:enterprise_detail", args=[firm.pk]))
    text = response.content.decode()
    assert union.name in text and "四要素企业" in text and "已建会覆盖" in text
    assert response.context["rate"] == 0.45 and "45%" in text


def test_an_uncovered_firm_offers_to_found_its_union(county, client_for):
    firm = EnterpriseFactory(name="格桑公司")
    client = client_for(county)
    page = client.get(reverse("directory:enterprise_detail", args=[firm.pk]))
    link = (
        page.content.decode().split('data-testid="found-union" href="')[1].split('"')[0].replace("&amp;", "&")
    )
    form = client.get(link).context["form"]
    assert form["name"].value() == "格桑公司工会委员会"
    assert form["covers"].value() == firm.credit_code
    assert form["kind"].value() == UnionKind.GRASSROOTS
