"""The plan's red lists, on the page and in the workbook, and the townships' eight haves."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from organizations.models import Area, EightHavesCheck, UnionKind
from organizations.models.directory import EightHaves
from tests.factories import EnterpriseFactory, ParkFactory, UnionFactory
from tests.organizations.helpers import cover

pytestmark = pytest.mark.django_db

ALL_HAVES = {item.value: True for item in EightHaves}


@pytest.fixture
def world(divisions):
    firms = {
        "no_union": EnterpriseFactory(name="四要素未建会公司"),
        "low": EnterpriseFactory(name="入会率低公司", migrant_workers=10),
        "good": EnterpriseFactory(name="达标公司", migrant_workers=10),
        "small_alone": EnterpriseFactory(name="小微未覆盖", employees=10, migrant_workers=5),
        "small_joint": EnterpriseFactory(name="小微联合覆盖", employees=10, migrant_workers=5),
        "theirs": EnterpriseFactory(name="堆龙四要素公司", area_id="540103"),
    }
    cover(firms["low"], members=7)
    cover(firms["good"], members=8)
    cover(firms["small_joint"], kind=UnionKind.JOINT)
    ParkFactory(name="无工会园区")
    park = ParkFactory(name="有工会园区")
    UnionFactory(kind=UnionKind.PARK, park=park)
    Area(code="540102002", name_zh="八有齐全街道", level="township", parent_id="540102").save()
    EightHavesCheck.objects.create(township_id="540102002", checked_on=dt.date(2015, 6, 1), **ALL_HAVES)
    EightHavesCheck.objects.create(
        township_id="540102001", checked_on=dt.date(2015, 6, 1), **(ALL_HAVES | {"has_seal": False})
    )
    return firms


def test_the_page_lists_each_red_list(county, world, client_for, django_assert_max_num_queries):
    client = client_for(county)
    with django_assert_max_num_queries(21):  # 20, and the header's unread notifications
        response = client.get(reverse("directory:redlists"))
    sections = {s["key"]: {e.name for e in s["rows"]} for s in response.context["sections"]}
    assert sections["no_union"] == {"四要素未建会公司"}
    assert sections["below_80"] == {"入会率低公司"}
    assert sections["small"] == {"小微未覆盖"}
    assert [p.name for p in response.context["parks"]] == ["无工会园区"]
    townships = {t.code: missing for t, _check, missing in response.context["townships"]}
    assert townships == {"540102001": [str(EightHaves.SEAL.label)]}
    assert "堆龙四要素公司" not in response.content.decode()


def test_the_query_count_does_not_grow(county, world, client_for, django_assert_max_num_queries):
    for _ in range(25):
        EnterpriseFactory()
        cover(EnterpriseFactory(migrant_workers=10), members=1)
    client = client_for(county)
    with django_assert_max_num_queries(21):  # 20, and the header's unread notifications
        response = client.get(reverse("directory:redlists"))
    assert len(response.context["sections"][0]["rows"]) == 26


def test_a_past_date(county, world, client_for):
    response = client_for(county).get(reverse("directory:redlists"), {"date": "2013-06-01"})
    # Before the unions were founded (2014) every four-element firm lacked one.
    names = {e.name for e in response.context["sections"][0]["rows"]}
    assert names == {"四要素未建会公司", "入会率低公司", "达标公司"}


def test_the_workbook(county, world, client_for):
    response = client_for(county).get(reverse("directory:redlists_export"))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:3] == ["四要素未建会", "四要素入会率低于80%", "小微企业未覆盖"]
    sheet = workbook["四要素未建会"]
    assert sheet.freeze_panes == "A3"
    assert sheet["A3"].value == "四要素未建会公司"
    values = [c.value for row in workbook["乡镇八有不全"].iter_rows(min_row=3) for c in row]
    assert "540102001" in values


def test_eight_haves_are_confirmed(county, divisions, client_for):
    url = reverse("directory:township_eight_haves", args=["540102001"])
    client = client_for(county)
    data = {"checked_on": "2015-09-01", **{key: "on" for key in ALL_HAVES if key != "has_funds"}}
    assert client.post(url, data).status_code == 302
    check = EightHavesCheck.objects.get()
    assert check.missing() == [str(EightHaves.FUNDS.label)]
    assert check.checked_by == county
    assert "有工会经费" in client.get(url).content.decode()


def test_eight_haves_of_another_county_are_not_found(county, divisions, client_for):
    url = reverse("directory:township_eight_haves", args=["540103001"])
    client = client_for(county)
    assert client.get(url).status_code == 404
    assert client.post(url, {"checked_on": "2015-09-01"}).status_code == 404
    assert not EightHavesCheck.objects.exists()


def test_the_hq_viewer_reads_but_does_not_confirm(hq_viewer, divisions, client_for):
    url = reverse("directory:township_eight_haves", args=["540102001"])
    client = client_for(hq_viewer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"checked_on": "2015-09-01"}).status_code == 403


def test_federation_staff_do_not_confirm_eight_haves(federation, divisions, client_for):
    """A township is area data: the federation reads one its affiliates stand in (403 on
    a confirmation), and another is not found at all."""
    EnterpriseFactory(area_id="540102001201", federation_affiliate=True)
    client = client_for(federation)
    url = reverse("directory:township_eight_haves", args=["540102001"])
    page = client.get(url)
    assert page.status_code == 200 and "确认“八有”情况" not in page.content.decode()
    assert client.post(url, {"checked_on": "2015-09-01"}).status_code == 403
    elsewhere = reverse("directory:township_eight_haves", args=["540103001"])
    assert client.get(elsewhere).status_code == 404
    assert client.post(elsewhere, {"checked_on": "2015-09-01"}).status_code == 404
    assert not EightHavesCheck.objects.exists()


def test_the_80_percent_line_is_exact(county, divisions, client_for):
    # 9 migrant workers: 7 members is 77.8 % (below), 8 is 88.9 % (not below).
    seven = EnterpriseFactory(name="七人入会", migrant_workers=9)
    eight = EnterpriseFactory(name="八人入会", migrant_workers=9)
    cover(seven, members=7)
    cover(eight, members=8)
    response = client_for(county).get(reverse("directory:redlists"))
    names = {e.name for e in response.context["sections"][1]["rows"]}
    assert names == {"七人入会"}
