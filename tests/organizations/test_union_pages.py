"""Union pages: list, detail, create and edit with coverage."""

import datetime as dt

import pytest
from django.urls import reverse

from organizations.models import AuditEntry, Coverage, Union, UnionKind
from tests.factories import EnterpriseFactory, UnionFactory
from tests.organizations.helpers import cover

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "城关区格桑联合基层工会",
        "kind": UnionKind.JOINT,
        "area": "540102",
        "founded_on": "2014-06-01",
    }
    data.update(overrides)
    return data


def test_a_joint_union_covers_several_firms(county, client_for):
    firms = [EnterpriseFactory(employees=10, migrant_workers=5) for _ in range(3)]
    covers = "；".join(f.credit_code for f in firms)
    response = client_for(county).post(reverse("directory:union_create"), form_data(covers=covers))
    union = Union.objects.get()
    assert response["Location"] == reverse("directory:union_detail", args=[union.pk])
    assert union.code.startswith("540102-")
    assert set(Coverage.objects.filter(union=union).values_list("enterprise", flat=True)) == {
        f.pk for f in firms
    }
    assert Coverage.objects.filter(started_on=dt.date(2014, 6, 1)).count() == 3
    assert AuditEntry.objects.filter(action="create", object_id=str(union.pk)).exists()


def test_a_union_may_not_cover_firms_outside_the_scope(county, client_for):
    theirs = EnterpriseFactory(area_id="540103")
    response = client_for(county).post(
        reverse("directory:union_create"), form_data(covers=theirs.credit_code)
    )
    assert "不在您的管辖范围内" in " ".join(response.context["form"].errors["covers"])
    assert not Union.objects.exists()


def test_a_grassroots_union_covers_one_firm(county, client_for):
    firms = [EnterpriseFactory(), EnterpriseFactory()]
    data = form_data(kind=UnionKind.GRASSROOTS, covers=" ".join(f.credit_code for f in firms))
    response = client_for(county).post(reverse("directory:union_create"), data)
    assert "基层工会只覆盖本单位一家" in " ".join(response.context["form"].errors["covers"])


@pytest.mark.parametrize(
    "overrides,field,text",
    [
        ({"dissolved_on": "2013-01-01"}, "dissolved_on", "不能早于成立日期"),
        ({"area": "540103"}, "area", "不在您的管辖范围内"),
        ({"kind": UnionKind.TOWNSHIP}, "area", "乡镇"),
        ({"parent": "不存在的工会"}, "parent", "找不到上级工会"),
    ],
)
def test_the_form_refuses_bad_input(county, client_for, overrides, field, text):
    response = client_for(county).post(reverse("directory:union_create"), form_data(**overrides))
    assert text in " ".join(response.context["form"].errors[field])
    assert not Union.objects.exists()


def test_editing_coverage_keeps_history(county, client_for):
    old, new = EnterpriseFactory(), EnterpriseFactory()
    union = cover(old, kind=UnionKind.JOINT)
    data = form_data(
        name=union.name,
        code=union.code,
        founded_on="2014-01-01",
        covers=new.credit_code,
        covers_from="2015-07-01",
        version=union.version,
    )
    response = client_for(county).post(reverse("directory:union_edit", args=[union.pk]), data)
    assert response.status_code == 302
    ended = Coverage.objects.get(enterprise=old)
    assert ended.ended_on == dt.date(2015, 7, 1)
    assert Coverage.objects.get(enterprise=new).started_on == dt.date(2015, 7, 1)
    entry = AuditEntry.objects.get(action="update", object_id=str(union.pk))
    assert entry.changes["covers_ended"] == [old.credit_code]


def test_list_and_detail(county, client_for, django_assert_max_num_queries):
    for _ in range(20):
        cover(EnterpriseFactory(), members=1)
    client = client_for(county)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("directory:union_list"))
    assert len(response.context["page"]) == 20
    union = Union.objects.first()
    detail = client.get(reverse("directory:union_detail", args=[union.pk]))
    assert union.coverages.get().enterprise.name in detail.content.decode()


def test_another_countys_union_is_not_found(county, client_for):
    theirs = UnionFactory(area_id="540103", name="堆龙工会")
    client = client_for(county)
    assert client.get(reverse("directory:union_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("directory:union_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("directory:union_edit", args=[theirs.pk]), form_data()).status_code == 404
    assert "堆龙工会" not in client.get(reverse("directory:union_list")).content.decode()


def test_federation_unions_are_affiliates(federation, client_for):
    firm = EnterpriseFactory(federation_affiliate=True, area_id="540202")
    data = form_data(kind=UnionKind.GRASSROOTS, area="540202", covers=firm.credit_code)
    client_for(federation).post(reverse("directory:union_create"), data)
    assert Union.objects.get().federation_affiliate


def test_the_hq_viewer_cannot_edit(hq_viewer, client_for):
    union = UnionFactory()
    client = client_for(hq_viewer)
    assert client.get(reverse("directory:union_detail", args=[union.pk])).status_code == 200
    assert client.get(reverse("directory:union_create")).status_code == 403
    assert client.post(reverse("directory:union_edit", args=[union.pk]), form_data()).status_code == 403
