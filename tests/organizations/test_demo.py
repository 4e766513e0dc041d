"""The demo directory: believable, complete, deterministic."""

import random

import pytest
from django.db import transaction
from django.db.models import Count

from organizations import demo
from organizations.creditcode import normalize_credit_code
from organizations.management.commands.seed_demo import SEEDERS, DemoContext
from organizations.models import Area, Coverage, EightHavesCheck, Enterprise, Park, Sector, Union, UnionKind
from organizations.services.divisions import BUNDLED_DIVISIONS, load_divisions

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    load_divisions(BUNDLED_DIVISIONS.read_text(encoding="utf-8"))
    ctx = DemoContext(scale="small", rng=random.Random(2015), write=lambda line: None)
    demo.seed(ctx)
    return ctx


def snapshot():
    return (
        list(
            Enterprise.objects.order_by("credit_code").values_list(
                "credit_code", "name", "area_id", "employees"
            )
        ),
        list(Union.objects.order_by("code").values_list("code", "name", "kind", "founded_on")),
    )


def test_the_directory_is_complete(seeded):
    assert SEEDERS[0] == "organizations.demo"
    prefectures = {code[:4] for code in Enterprise.objects.values_list("area_id", flat=True)}
    assert prefectures == {"5401", "5402", "5403", "5404", "5405", "5406", "5425"}
    assert set(Enterprise.objects.values_list("sector", flat=True)) == set(Sector.values)
    assert set(Union.objects.values_list("kind", flat=True)) == set(UnionKind.values)
    for code in Enterprise.objects.values_list("credit_code", flat=True):
        assert normalize_credit_code(code) == code
    assert {len(c) for c in Area.objects.filter(level="township").values_list("code", flat=True)} == {9}
    assert {len(c) for c in Area.objects.filter(level="village").values_list("code", flat=True)} == {12}
    assert Park.objects.exists()
    assert Enterprise.objects.four_element().exists() and Enterprise.objects.small().exists()
    assert Enterprise.objects.filter(federation_affiliate=True).exists()
    assert Union.objects.filter(federation_affiliate=True, kind=UnionKind.GRASSROOTS).exists()
    years = set(Union.objects.values_list("founded_on__year", flat=True))
    assert {2013, 2014, 2015} <= years <= {2013, 2014, 2015}


def test_unions_cover_as_their_kind_says(seeded):
    covers = dict(Union.objects.annotate(n=Count("coverages")).values_list("pk", "n"))
    for union in Union.objects.filter(kind=UnionKind.GRASSROOTS):
        assert covers[union.pk] == 1
    assert all(covers[u.pk] >= 2 for u in Union.objects.filter(kind=UnionKind.JOINT))
    joint_firms = Enterprise.objects.filter(coverages__union__kind=UnionKind.JOINT)
    assert joint_firms.exists() and all(f.employees < 25 for f in joint_firms)
    assert Union.objects.filter(kind=UnionKind.COMMUNITY, area__level="village").exists()
    first = Union.objects.filter(area__code__startswith="540102").order_by("pk").first()
    assert first.kind == UnionKind.GRASSROOTS


def test_some_townships_lack_some_of_the_eight_haves(seeded):
    latest = EightHavesCheck.objects.filter(checked_on__year=2015)
    assert latest.complete().exists()
    assert latest.count() > latest.complete().count()


def test_the_members_seeder_gets_union_firm_lists(seeded):
    shared = seeded.shared["directory"]
    assert shared["enterprise_count"] == Enterprise.objects.count()
    pairs = {(u["id"], e["id"]) for u in shared["unions"] for e in u["enterprises"]}
    assert pairs == set(Coverage.objects.values_list("union_id", "enterprise_id"))


def test_the_same_seed_gives_the_same_data():
    load_divisions(BUNDLED_DIVISIONS.read_text(encoding="utf-8"))
    runs = []
    for _ in range(2):
        with transaction.atomic():
            demo.seed(DemoContext(scale="small", rng=random.Random(7), write=lambda line: None))
            runs.append(snapshot())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert len(runs[0][0]) > 300
