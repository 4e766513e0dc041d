"""Enterprise list, detail, create and edit pages."""

import datetime as dt

import pytest
from django.urls import reverse

from organizations.creditcode import make_credit_code
from organizations.models import AuditEntry, Enterprise, Sector
from tests.factories import EnterpriseFactory, ParkFactory
from tests.organizations.helpers import cover

pytestmark = pytest.mark.django_db

VALID_CODE = make_credit_code("91540102MA6T9999Q")


def form_data(**overrides):
    data = {
        "name": "城关区扎西物流有限公司",
        "credit_code": VALID_CODE,
        "area": "540102",
        "sector": Sector.LOGISTICS,
        "ownership": "nonpublic",
        "employees": "40",
        "migrant_workers": "30",
        "has_party_org": "on",
        "operating": "on",
        "profitable": "on",
        "registered_on": "2014-03-01",
    }
    data.update(overrides)
    return data


covered = cover


def test_it_lists_the_county_and_shows_coverage_and_rate(county, client_for):
    firm = EnterpriseFactory(name="城关甲建筑公司", migrant_workers=10, employees=30)
    union = covered(firm, members=7)
    EnterpriseFactory(name="城关乙建筑公司")
    response = client_for(county).get(reverse("directory:enterprise_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "城关甲建筑公司" in text and "城关乙建筑公司" in text
    assert union.name in text
    assert "70%" in text


def test_the_list_does_not_grow_queries_with_rows(county, client_for, django_assert_max_num_queries):
    for index in range(30):
        firm = EnterpriseFactory(park=ParkFactory() if index % 3 == 0 else None)
        covered(firm, members=1)
    client = client_for(county)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:enterprise_list"))
    assert len(response.context["page"]) == 30


def test_filters(county, client_for):
    park = ParkFactory(name="城关物流园")
    four = EnterpriseFactory(name="四要素未建会", park=park, sector=Sector.LOGISTICS)
    low = EnterpriseFactory(name="入会率低", migrant_workers=10)
    covered(low, members=5)
    small = EnterpriseFactory(
        name="小微企业", employees=10, migrant_workers=5, sector=Sector.DOMESTIC_SERVICE
    )
    client = client_for(county)

    def names(**params):
        response = client.get(reverse("directory:enterprise_list"), params)
        return {e.name for e in response.context["page"]}

    assert names(sector="logistics") == {four.name}
    assert names(park=park.pk) == {four.name}
    assert names(covered="yes") == {low.name}
    assert names(covered="no") == {four.name, small.name}
    assert names(four_element="no") == {small.name}
    assert names(below_80="on", four_element="yes") == {four.name, low.name}
    assert names(q="小微") == {small.name}


def test_another_countys_enterprise_is_not_found(county, other_county, client_for):
    theirs = EnterpriseFactory(name="堆龙企业", area_id="540103")
    client = client_for(county)
    for name in ("directory:enterprise_detail", "directory:enterprise_edit"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.post(reverse("directory:enterprise_edit", args=[theirs.pk]), form_data()).status_code == 404
    assert "堆龙企业" not in client.get(reverse("directory:enterprise_list")).content.decode()


def test_the_prefecture_sees_its_counties(prefecture, client_for):
    EnterpriseFactory(name="城关企业")
    EnterpriseFactory(name="堆龙企业", area_id="540103")
    EnterpriseFactory(name="日喀则企业", area_id="540202")
    text = client_for(prefecture).get(reverse("directory:enterprise_list")).content.decode()
    assert "城关企业" in text and "堆龙企业" in text and "日喀则企业" not in text


def test_the_create_form_has_sensible_defaults(county, client_for):
    response = client_for(county).get(reverse("directory:enterprise_create"))
    form = response.context["form"]
    assert form["area"].value() == "540102"
    assert form["registered_on"].value() == dt.date.today()
    assert "<select" in response.content.decode()


def test_a_clerk_registers_an_enterprise(county, client_for):
    response = client_for(county).post(reverse("directory:enterprise_create"), form_data())
    firm = Enterprise.objects.get(name="城关区扎西物流有限公司")
    assert response.status_code == 302 and response["Location"] == reverse(
        "directory:enterprise_detail", args=[firm.pk]
    )
    assert firm.area_id == "540102" and firm.is_four_element and not firm.federation_affiliate
    assert AuditEntry.objects.filter(action="create", object_id=str(firm.pk)).exists()


@pytest.mark.parametrize(
    "overrides,field,text",
    [
        (
            {"credit_code": VALID_CODE[:17] + ("0" if VALID_CODE[17] != "0" else "1")},
            "credit_code",
            "校验位错误",
        ),
        ({"migrant_workers": "50"}, "migrant_workers", "不能大于职工人数"),
        ({"closed_on": "2013-01-01"}, "closed_on", "不能早于注册日期"),
        ({"area": "540103"}, "area", "不在您的管辖范围内"),
        ({"area": "540100"}, "area", "不在您的管辖范围内"),
    ],
)
def test_the_form_refuses_bad_input(county, client_for, overrides, field, text):
    response = client_for(county).post(reverse("directory:enterprise_create"), form_data(**overrides))
    assert response.status_code == 200
    assert text in " ".join(response.context["form"].errors[field])
    assert not Enterprise.objects.exists()


def test_a_duplicate_credit_code_is_refused(county, client_for):
    existing = EnterpriseFactory()
    response = client_for(county).post(
        reverse("directory:enterprise_create"), form_data(credit_code=existing.credit_code)
    )
    assert "已登记" in " ".join(response.context["form"].errors["credit_code"])


def test_federation_staff_create_affiliates(federation, client_for):
    client_for(federation).post(reverse("directory:enterprise_create"), form_data(area="540202"))
    assert Enterprise.objects.get().federation_affiliate


def test_the_hq_viewer_is_read_only(hq_viewer, client_for):
    firm = EnterpriseFactory()
    client = client_for(hq_viewer)
    assert client.get(reverse("directory:enterprise_detail", args=[firm.pk])).status_code == 200
    assert client.get(reverse("directory:enterprise_create")).status_code == 403
    assert client.post(reverse("directory:enterprise_create"), form_data()).status_code == 403
    assert client.get(reverse("directory:enterprise_edit", args=[firm.pk])).status_code == 403
    assert "登记单位" not in client.get(reverse("directory:enterprise_list")).content.decode()


def test_an_edit_saves_and_is_audited(county, client_for):
    firm = EnterpriseFactory()
    data = form_data(credit_code=firm.credit_code, name="新名称", version=firm.version)
    client_for(county).post(reverse("directory:enterprise_edit", args=[firm.pk]), data)
    firm.refresh_from_db()
    assert firm.name == "新名称" and firm.version == 2
    entry = AuditEntry.objects.get(action="update", object_id=str(firm.pk))
    assert entry.changes["name"][1] == "新名称"


def test_a_stale_edit_is_shown_again_with_a_conflict_message(county, client_for):
    firm = EnterpriseFactory(name="原名称")
    client = client_for(county)
    stale = form_data(credit_code=firm.credit_code, version=firm.version)
    client.post(reverse("directory:enterprise_edit", args=[firm.pk]), {**stale, "name": "第一位的修改"})
    response = client.post(
        reverse("directory:enterprise_edit", args=[firm.pk]), {**stale, "name": "第二位的修改"}
    )
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    assert response.context["form"]["name"].value() == "第二位的修改"
    firm.refresh_from_db()
    assert firm.name == "第一位的修改"
