"""The audit trail viewer: HQ reads the history of any object; nobody else may."""

import pytest
from django.urls import reverse

from organizations import audit
from organizations.models import AuditAction, Role
from tests.factories import EnterpriseFactory, UserFactory


@pytest.fixture
def enterprise(divisions):
    return EnterpriseFactory(name="拉萨城关建筑有限公司")


@pytest.fixture
def history(enterprise, county, other_county):
    audit.record(user=county, action=AuditAction.CREATE, obj=enterprise, changes={"name": enterprise.name})
    audit.record(user=county, action=AuditAction.UPDATE, obj=enterprise, changes={"employees": [40, 55]})
    other = EnterpriseFactory(name="堆龙德庆物流有限公司", area_id="540103")
    audit.record(user=other_county, action=AuditAction.UPDATE, obj=other, changes={"employees": [10, 12]})
    return enterprise


def object_url(obj) -> str:
    return reverse("audit:object", args=[f"{obj._meta.app_label}.{obj._meta.model_name}", obj.pk])


def test_hq_sees_the_history_of_one_object(client_for, hq, history):
    response = client_for(hq).get(object_url(history))
    body = response.content.decode()
    assert response.status_code == 200
    assert "拉萨城关建筑有限公司" in body
    assert "修改" in body and "新建" in body
    assert "employees" in body and "40" in body and "55" in body
    assert "堆龙德庆物流有限公司" not in body  # another object's entries are not shown


def test_the_list_filters_by_user_action_and_type(client_for, hq, history):
    client = client_for(hq)
    body = client.get(reverse("audit:list"), {"username": "other_county"}).content.decode()
    assert "堆龙德庆物流有限公司" in body and "拉萨城关建筑有限公司" not in body

    body = client.get(reverse("audit:list"), {"action": AuditAction.CREATE}).content.decode()
    assert "拉萨城关建筑有限公司" in body and "堆龙德庆物流有限公司" not in body

    body = client.get(reverse("audit:list"), {"object_id": str(history.pk)}).content.decode()
    assert "堆龙德庆物流有限公司" not in body


def test_a_superuser_acts_as_hq(client_for, history):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert client_for(root).get(reverse("audit:list")).status_code == 200


@pytest.mark.parametrize(
    "persona", ["hq_viewer", "county", "prefecture", "federation", "union_staff", "other_prefecture"]
)
def test_other_roles_are_refused(client_for, persona, history, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(object_url(history)).status_code == 403


def test_anonymous_is_sent_to_login(client, history):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_type_is_not_found(client_for, hq):
    assert client_for(hq).get(reverse("audit:object", args=["nothing.here", "1"])).status_code == 404


def test_the_list_is_paged_with_a_bounded_number_of_queries(
    client_for, hq, enterprise, django_assert_max_num_queries
):
    users = [UserFactory(role=Role.COUNTY, area_id="540102") for _ in range(5)]
    for i in range(120):
        audit.record(
            user=users[i % 5], action=AuditAction.UPDATE, obj=enterprise, changes={"employees": [i, i + 1]}
        )
    client = client_for(hq)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    assert "第 1 / 3 页" in response.content.decode()


def test_hq_finds_the_audit_trail_in_the_menu(client_for, hq, county):
    assert reverse("audit:list") in client_for(hq).get(reverse("areas:list")).content.decode()
    assert reverse("audit:list") not in client_for(county).get(reverse("areas:list")).content.decode()
