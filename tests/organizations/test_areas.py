import pytest
from django.urls import reverse

from tests.factories import EnterpriseFactory, UnionFactory


def test_login_is_required(client, divisions):
    response = client.get(reverse("areas:detail", args=["540102"]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_county_staff_see_their_county_and_its_townships(client_for, county):
    response = client_for(county).get(reverse("areas:detail", args=["540102"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "城关区" in body
    assert "540102001" in body  # its township is listed


def test_county_staff_get_404_for_another_county(client_for, county):
    client = client_for(county)
    assert client.get(reverse("areas:detail", args=["540103"])).status_code == 404
    assert client.get(reverse("areas:detail", args=["540103001"])).status_code == 404
    # The prefecture above is outside the county's scope too.
    assert client.get(reverse("areas:detail", args=["540100"])).status_code == 404


def test_county_area_list_starts_at_the_county(client_for, county):
    body = client_for(county).get(reverse("areas:list")).content.decode()
    assert "城关区" in body
    assert "堆龙德庆区" not in body


def test_prefecture_staff_browse_their_counties_only(client_for, prefecture):
    client = client_for(prefecture)
    body = client.get(reverse("areas:detail", args=["540100"])).content.decode()
    assert "城关区" in body and "堆龙德庆区" in body
    assert client.get(reverse("areas:detail", args=["540202"])).status_code == 404


@pytest.mark.parametrize("persona", ["hq", "hq_viewer"])
def test_region_wide_roles_see_all_prefectures(client_for, request, persona):
    body = client_for(request.getfixturevalue(persona)).get(reverse("areas:list")).content.decode()
    for name in ("拉萨市", "日喀则市", "昌都市", "林芝市", "山南市", "那曲市", "阿里地区"):
        assert name in body


def test_the_federation_reads_the_areas_its_affiliates_stand_in(client_for, federation):
    """Areas are area data: the federation reads its affiliates' village, township,
    county and prefecture, and nothing else (DESIGN, who uses it)."""
    EnterpriseFactory(area_id="540102001201", federation_affiliate=True)
    UnionFactory(area_id="540202", federation_affiliate=True)
    EnterpriseFactory(area_id="540103")  # not an affiliate: its county stays closed
    client = client_for(federation)
    body = client.get(reverse("areas:list")).content.decode()
    assert "拉萨市" in body and "日喀则市" in body and "昌都市" not in body
    for code in ("540100", "540102", "540102001", "540102001201", "540200", "540202"):
        assert client.get(reverse("areas:detail", args=[code])).status_code == 200, code
    for code in ("540103", "540103001", "540300"):
        assert client.get(reverse("areas:detail", args=[code])).status_code == 404, code


def test_breadcrumbs_do_not_link_above_the_scope(client_for, county):
    body = client_for(county).get(reverse("areas:detail", args=["540102001"])).content.decode()
    assert reverse("areas:detail", args=["540102"]) in body
    assert reverse("areas:detail", args=["540100"]) not in body
