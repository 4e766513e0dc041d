import datetime as dt

import pytest
from django.db import IntegrityError, InternalError, transaction

from drives.periods import Period
from reports.models import ProgressReport, ReportStatus
from reports.services import ReportError
from reports.services.progress import (
    report_accept,
    report_correct,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from reports.units import unit_by_key
from tests.drives.test_figures import join
from tests.factories import UnionFactory
from tests.reports.helpers import make_drive

pytestmark = pytest.mark.django_db
B3 = Period.parse("2015-B3")


@pytest.fixture
def drive():
    return make_drive()


@pytest.fixture
def lhasa_union(divisions):
    union = UnionFactory(area_id="540102")
    join(union, dt.date(2015, 4, 1))  # before May: in the previous period's figures
    join(union, dt.date(2015, 5, 10))
    return union


def open_lhasa(prefecture, drive):
    return report_open(user=prefecture, drive=drive, period=B3, unit=unit_by_key("5401"))


def test_submission_freezes_the_figures_and_the_change(prefecture, drive, lhasa_union):
    report = open_lhasa(prefecture, drive)
    report_save(
        user=prefecture,
        report_id=report.pk,
        narrative={"progress": "新建工会3家", "counties_note": "县区报告尚在审核"},
    )

    report = report_submit(user=prefecture, report_id=report.pk)

    assert report.status == ReportStatus.SUBMITTED
    assert report.figures["members_total"] == 2
    assert report.previous_figures["members_total"] == 1
    assert report.figures["members_new"] == 1
    # Later data changes do not reach the frozen copy.
    join(lhasa_union, dt.date(2015, 6, 1))
    report.refresh_from_db()
    assert report.figures["members_total"] == 2


def test_return_resubmit_accept(prefecture, hq, drive, lhasa_union):
    report = open_lhasa(prefecture, drive)
    report_save(
        user=prefecture,
        report_id=report.pk,
        narrative={"progress": "进展", "counties_note": "县区报告尚在审核"},
    )
    report_submit(user=prefecture, report_id=report.pk)

    with pytest.raises(ReportError, match="修改意见"):
        report_return(user=hq, report_id=report.pk, comments=" ")
    report_return(user=hq, report_id=report.pk, comments="请补充典型经验")
    report_save(
        user=prefecture,
        report_id=report.pk,
        narrative={"progress": "进展", "typical_experience": "经验", "counties_note": "县区报告尚在审核"},
    )
    report = report_submit(user=prefecture, report_id=report.pk)
    assert report.status == ReportStatus.RESUBMITTED
    report = report_accept(user=hq, report_id=report.pk)

    assert report.status == ReportStatus.ACCEPTED
    assert report.typical_experience == "经验"
    with pytest.raises(ReportError):
        report_return(user=hq, report_id=report.pk, comments="再改")
    with pytest.raises(ReportError):
        report_save(
            user=prefecture,
            report_id=report.pk,
            narrative={"progress": "偷改", "counties_note": "县区报告尚在审核"},
        )


def test_a_submitted_report_cannot_be_submitted_twice_or_edited(prefecture, drive, lhasa_union):
    report = open_lhasa(prefecture, drive)
    report_save(
        user=prefecture,
        report_id=report.pk,
        narrative={"progress": "进展", "counties_note": "县区报告尚在审核"},
    )
    report_submit(user=prefecture, report_id=report.pk)

    with pytest.raises(ReportError, match="不能报送"):
        report_submit(user=prefecture, report_id=report.pk)
    with pytest.raises(ReportError, match="已报送"):
        report_save(
            user=prefecture,
            report_id=report.pk,
            narrative={"progress": "改", "counties_note": "县区报告尚在审核"},
        )


def test_an_empty_progress_is_refused_naming_the_field(prefecture, drive, lhasa_union):
    report = open_lhasa(prefecture, drive)
    with pytest.raises(ReportError) as refused:
        report_submit(user=prefecture, report_id=report.pk)
    assert refused.value.field == "progress"


def test_only_the_units_own_staff_write_and_only_hq_reviews(prefecture, other_prefecture, county, hq, drive):
    with pytest.raises(ReportError):
        report_open(user=other_prefecture, drive=drive, period=B3, unit=unit_by_key("5401"))
    with pytest.raises(ReportError):
        report_open(user=county, drive=drive, period=B3, unit=unit_by_key("5401"))
    report = open_lhasa(prefecture, drive)
    report_save(
        user=prefecture, report_id=report.pk, narrative={"progress": "进展", "counties_note": "县区未报"}
    )
    report_submit(user=prefecture, report_id=report.pk)
    with pytest.raises(ReportError, match="只有上一级"):
        report_accept(user=prefecture, report_id=report.pk)
    assert report_accept(user=hq, report_id=report.pk).status == ReportStatus.ACCEPTED


def test_the_database_refuses_to_change_an_accepted_report(prefecture, hq, drive, lhasa_union):
    report = open_lhasa(prefecture, drive)
    report_save(
        user=prefecture,
        report_id=report.pk,
        narrative={"progress": "进展", "counties_note": "县区报告尚在审核"},
    )
    report_submit(user=prefecture, report_id=report.pk)
    report_accept(user=hq, report_id=report.pk)

    for changes in ({"progress": "改写"}, {"figures": {"members_total": 999}}, {"status": "draft"}):
        with pytest.raises(InternalError, match=r"frozen|accepted"), transaction.atomic():
            ProgressReport.objects.filter(pk=report.pk).update(**changes)
    with pytest.raises(InternalError, match="cannot be deleted"), transaction.atomic():
        ProgressReport.objects.filter(pk=report.pk).delete()


def test_a_correction_is_a_new_version_and_the_accepted_one_stays(prefecture, hq, drive, lhasa_union):
    report = open_lhasa(prefecture, drive)
    report_save(
        user=prefecture,
        report_id=report.pk,
        narrative={"progress": "进展", "counties_note": "县区报告尚在审核"},
    )
    report_submit(user=prefecture, report_id=report.pk)
    report_accept(user=hq, report_id=report.pk)

    new = report_correct(user=prefecture, report_id=report.pk)

    assert (new.version, new.status, new.progress) == (2, ReportStatus.DRAFT, "进展")
    report.refresh_from_db()
    assert (report.status, report.is_latest) == (ReportStatus.ACCEPTED, False)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.filter(pk=report.pk).update(is_latest=True)
