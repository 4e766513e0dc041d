import pytest

from organizations.divisions import ancestor_codes, code_prefix
from organizations.models import Area, Enterprise
from organizations.scopes import Scope
from tests.factories import EnterpriseFactory


@pytest.mark.parametrize(
    ("code", "prefix"),
    [
        ("540000", "54"),
        ("540100", "5401"),
        ("540102", "540102"),
        ("540102001", "540102001"),
        ("540102100200", "540102100200"),
    ],
)
def test_code_prefix(code, prefix):
    assert code_prefix(code) == prefix


def test_ancestor_codes():
    assert ancestor_codes("540102001201") == ["540102001", "540102", "540100", "540000"]


def test_every_role_has_its_scope(county, prefecture, federation, union_staff, hq, hq_viewer):
    assert Scope.for_user(county) == Scope("area", "540102")
    assert Scope.for_user(prefecture) == Scope("area", "5401")
    assert Scope.for_user(federation).kind == "federation"
    assert Scope.for_user(union_staff).union_id == union_staff.union_id
    assert Scope.for_user(hq).is_region and Scope.for_user(hq_viewer).is_region


def test_enterprises_follow_the_scope(county, other_county, prefecture, federation):
    mine = EnterpriseFactory(area_id="540102")
    theirs = EnterpriseFactory(area_id="540103001", federation_affiliate=True)
    assert list(Enterprise.objects.visible_to(county)) == [mine]
    assert list(Enterprise.objects.visible_to(other_county)) == [theirs]
    assert set(Enterprise.objects.visible_to(prefecture)) == {mine, theirs}
    assert list(Enterprise.objects.visible_to(federation)) == [theirs]


def test_an_anonymous_user_sees_nothing(divisions, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not Area.objects.visible_to(AnonymousUser()).exists()
