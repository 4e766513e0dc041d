"""Year-end scoring against hand-computed values."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InternalError, transaction
from django.urls import reverse

from drives.models import Target, UnitLevel
from organizations.models import Coverage
from reports.acceptance import assess
from reports.excel import acceptance_rows
from reports.models import Acceptance
from reports.services import ReportError
from reports.services.acceptance import acceptance_assess, acceptance_finalise
from reports.units import unit_by_key
from tests.drives.test_figures import join
from tests.factories import EnterpriseFactory, UnionFactory
from tests.reports.helpers import make_drive

pytestmark = pytest.mark.django_db


@pytest.fixture
def drive(divisions):
    drive = make_drive()
    union = UnionFactory(area_id="540102")
    for _ in range(4):
        join(union, dt.date(2014, 6, 1))  # baseline 4
    for _ in range(2):
        join(union, dt.date(2015, 6, 1))  # 6 at year end
    firm = EnterpriseFactory(employees=30, migrant_workers=10)
    Coverage.objects.create(union=union, enterprise=firm, started_on=dt.date(2014, 1, 1))
    EnterpriseFactory(employees=30, migrant_workers=10)  # four-element, not covered
    Target.objects.create(
        drive=drive,
        scope_key="5401",
        area_id="540100",
        level=UnitLevel.PREFECTURE,
        member_target=12,
        small_covered_target=0,
        parks_with_union_target=0,
        townships_eight_haves_target=0,
        communities_with_union_target=0,
    )
    return drive


def test_items_and_score_for_a_prefecture(drive):
    items, score = assess(drive, unit_by_key("5401"), today=dt.date(2015, 12, 31))
    by_key = {i.key: i for i in items}

    # Targets of 0 (small firms, parks, townships, communities): no denominator, no score;
    # the other items' weights (80) are scaled to 100.
    assert {i.key for i in items if not i.applies} == {"small_covered", "parks", "townships", "communities"}
    assert by_key["growth"].met and by_key["growth"].points == 18.8  # 6 > 4: 15 × 1.25
    assert by_key["target_progress"].actual == 6 and not by_key["target_progress"].met
    assert by_key["target_progress"].points == 12.5  # 20 × 1.25 × 6/12
    assert by_key["four_element_coverage"].actual == 0.5
    assert by_key["four_element_coverage"].points == 9.4  # 15 × 1.25 × 0.5/1
    assert by_key["four_element_membership"].actual == 0  # no member is employed there
    assert by_key["reports_on_time"].target == 4  # B2…B5 are due by 31 December
    assert by_key["reports_on_time"].points == 0
    assert by_key["cases"].points == 0
    assert score == 18.8 + 12.5 + 9.4


def test_a_unit_with_nothing_to_measure_is_not_scored_on_it(drive):
    """The federation here has no affiliates and no target line: the four-element rates have no
    denominator, there is no member target and no small firm: 不适用, not full marks."""
    items, score = assess(drive, unit_by_key("federation"), today=dt.date(2015, 12, 31))
    not_applicable = {i.key for i in items if not i.applies}
    assert not_applicable == {
        "target_progress",
        "four_element_coverage",
        "four_element_membership",
        "small_covered",
        "parks",
        "townships",
        "communities",
    }
    assert all(i.points == 0 for i in items if not i.applies)
    # What is left: growth (15), reports on time (10) and cases (5), scaled to 100; none is met.
    assert sum(i.weight for i in items if i.applies) == 30
    assert score == 0


def test_the_list_the_page_and_the_workbook_show_one_score(drive, client_for, hq):
    """A score not yet finalised is assessed now on every surface (not stored on one, live on another)."""
    unit = unit_by_key("5401")
    acceptance_assess(user=hq, drive=drive, unit=unit)
    join(UnionFactory(area_id="540102"), dt.date(2015, 7, 1))  # a late edit moves the score
    _items, now = assess(drive, unit)
    client = client_for(hq)
    listed = client.get(reverse("reports:acceptance_list"), {"drive": 2015}).content.decode()
    detail = client.get(reverse("reports:acceptance_detail", args=[2015, "5401"])).content.decode()
    assert f'data-testid="score-5401">{now:.1f}' in listed
    assert f'data-testid="score">{now}' in detail
    rows = {label: score for label, _items, score in acceptance_rows(drive)}
    assert rows["拉萨市"] == now


def test_finalised_acceptance_is_immutable(drive, hq):
    unit = unit_by_key("5401")
    acceptance_assess(user=hq, drive=drive, unit=unit, comments="基本完成")
    acceptance_finalise(user=hq, drive=drive, unit=unit)

    with pytest.raises(ReportError, match="已定稿"):
        acceptance_assess(user=hq, drive=drive, unit=unit, comments="改")
    with pytest.raises(InternalError), transaction.atomic():
        Acceptance.objects.filter(unit_key="5401").update(score=100)


def test_hq_scores_and_the_prefecture_attaches_its_special_report(
    drive, hq, prefecture, other_prefecture, client_for
):
    url = reverse("reports:acceptance_action", args=[2015, "5401"])
    client = client_for(prefecture)
    pdf = SimpleUploadedFile("专题报告.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    client.post(url, {"action": "attach", "file": pdf})
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    client.post(url, {"action": "attach", "file": fake})
    assert client.post(url, {"action": "assess"}).status_code == 403

    client = client_for(hq)
    client.post(url, {"action": "finalise", "hq_comments": "完成较好"})
    acceptance = Acceptance.objects.get(unit_key="5401")
    assert acceptance.is_final and acceptance.hq_comments == "完成较好"
    assert acceptance.special_report_name == "专题报告.pdf"
    page = client.get(reverse("reports:acceptance_detail", args=[2015, "5401"])).content.decode()
    assert "已定稿" in page and str(acceptance.score) in page

    assert (
        client_for(other_prefecture).get(reverse("reports:special_report", args=[2015, "5401"])).status_code
        == 404
    )
    download = client_for(prefecture).get(reverse("reports:special_report", args=[2015, "5401"]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
