"""GET /api/v1/metrics/: every DESIGN figure by name, for the caller's scope or any scope inside it."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from drives import figures
from organizations.models import Area
from organizations.scopes import Scope
from tests.dashboards.world import populate
from tests.factories import UnionFactory

pytestmark = pytest.mark.django_db

DESIGN_FIGURES = {
    "members_total",
    "members_new",
    "transfers_in",
    "transfers_out",
    "new_generation_members",
    "members_baseline",
    "growth_rate",
    "target_members",
    "target_progress",
    "four_element_total",
    "four_element_covered",
    "four_element_compliant",
    "four_element_membership_rate",
    "small_enterprises_total",
    "small_enterprises_covered",
    "coverage_by_sector",
    "parks_total",
    "parks_with_union",
    "townships_total",
    "townships_eight_haves",
    "communities_total",
    "communities_with_union",
}


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_answers_every_design_figure_by_name(divisions, hq_viewer):
    populate(1)
    body = api_for(hq_viewer).get("/api/v1/metrics/", {"scope": "540100", "date": "2015-12-31"}).json()
    assert body["scope"] == "540100" and body["date"] == "2015-12-31"
    assert set(body["figures"]) >= DESIGN_FIGURES
    expected = figures.compute(Scope.of_area(Area.objects.get(code="540100")), dt.date(2015, 12, 31))
    assert body["figures"]["members_total"] == expected["members_total"] == 3


def test_defaults_are_the_callers_scope_and_today_in_beijing(divisions, county):
    body = api_for(county).get("/api/v1/metrics/").json()
    assert body["scope"] == "540102"
    assert body["date"] == timezone.localdate().isoformat()


def test_the_federation_is_a_scope_for_hq_and_the_federation_only(divisions, hq, federation, prefecture):
    assert api_for(hq).get("/api/v1/metrics/", {"scope": "federation"}).status_code == 200
    assert api_for(federation).get("/api/v1/metrics/").json()["scope"] == "federation"
    assert api_for(prefecture).get("/api/v1/metrics/", {"scope": "federation"}).status_code == 404


@pytest.mark.parametrize(
    "persona,code",
    [
        ("county", "540103"),
        ("county", "540100"),
        ("prefecture", "540200"),
        ("federation", "540100"),
        ("hq", "123456"),
    ],
)
def test_a_scope_outside_the_callers_is_not_found(persona, code, request):
    response = api_for(request.getfixturevalue(persona)).get("/api/v1/metrics/", {"scope": code})
    assert response.status_code == 404


def test_a_bad_date_is_refused_with_a_clear_message(divisions, hq):
    response = api_for(hq).get("/api/v1/metrics/", {"date": "31/12/2015"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in str(response.json()["date"])


def test_it_needs_a_signed_in_caller(divisions):
    assert APIClient().get("/api/v1/metrics/").status_code == 401


def test_union_staff_get_their_union_s_figures_and_no_other_union_s(divisions, union_staff):
    other = UnionFactory(area_id="540102")
    client = api_for(union_staff)

    body = client.get("/api/v1/metrics/").json()

    assert body["scope"] == f"union-{union_staff.union_id}"  # its own key, not its county's
    assert client.get("/api/v1/metrics/", {"scope": body["scope"]}).status_code == 200
    assert client.get("/api/v1/metrics/", {"scope": f"union-{other.pk}"}).status_code == 404
    assert client.get("/api/v1/metrics/", {"scope": "540102"}).status_code == 404
