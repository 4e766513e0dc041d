"""An accepted progress report and a finalised acceptance cannot be changed by any path:
the service, the model's save(), a bulk queryset update or delete. Corrections are new versions.

The database triggers (reports/migrations/0003_frozen_rows_trigger.py) are what
make this hold for paths the services never see; each field is tried on its own.
"""

import datetime as dt

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from drives.periods import Period
from reports.models import Acceptance, ProgressReport, ReportStatus
from reports.services import ReportError
from reports.services.progress import report_accept, report_open, report_save, report_submit
from reports.units import unit_by_key
from tests.drives.test_figures import join
from tests.factories import UnionFactory
from tests.reports.helpers import make_drive

B3 = Period.parse("2015-B3")
LATER = timezone.make_aware(dt.datetime(2016, 1, 5, 9, 0))


@pytest.fixture
def drive(db):
    return make_drive()


@pytest.fixture
def submitted(prefecture, drive, divisions):
    union = UnionFactory(area_id="540102")
    join(union, dt.date(2015, 5, 10))
    report = report_open(user=prefecture, drive=drive, period=B3, unit=unit_by_key("5401"))
    report_save(user=prefecture, report_id=report.pk, narrative={"progress": "新建工会3家，发展会员200人"})
    return report_submit(user=prefecture, report_id=report.pk)


@pytest.fixture
def accepted(submitted, hq):
    return report_accept(user=hq, report_id=submitted.pk, comments="同意")


def tampering(hq, other_drive):
    """A change to every stored column, as someone bypassing the services might try."""
    return {
        "figures": {"members_total": 99999},
        "previous_figures": {"members_total": 0},
        "progress": "改写后的进展",
        "typical_experience": "补写的经验",
        "innovations": "补写的创新",
        "problems": "删掉的问题",
        "next_steps": "改过的打算",
        "submitted_at": LATER,
        "first_submitted_at": LATER,
        "version": 7,
        "period": "2015-B4",
        "unit_key": "5402",
        "drive_id": other_drive.pk,
        "status": ReportStatus.DRAFT,
        "hq_comments": "改过的意见",
        "reviewed_at": LATER,
    }


# The stored columns the trigger freezes. It does not (yet) freeze deadline,
# area, is_federation, submitted_by or reviewed_by of an accepted report: a
# bulk update can still move one to another scope or make a late report look
# on time. Reported to the reports app's owner rather than changed here.
FIELDS = [
    "figures",
    "previous_figures",
    "progress",
    "typical_experience",
    "innovations",
    "problems",
    "next_steps",
    "submitted_at",
    "first_submitted_at",
    "version",
    "period",
    "unit_key",
    "drive_id",
    "status",
    "hq_comments",
    "reviewed_at",
]


@pytest.fixture
def other_drive(drive):
    from drives.models import Drive

    return Drive.objects.create(
        year=2016,
        name="2016年农牧民工入会集中行动",
        baseline_year=2015,
        mobilisation_start=dt.date(2016, 4, 1),
        mobilisation_end=dt.date(2016, 4, 30),
        implementation_start=dt.date(2016, 4, 1),
        implementation_end=dt.date(2016, 10, 31),
        acceptance_start=dt.date(2016, 11, 1),
        acceptance_end=dt.date(2016, 12, 31),
    )


def stored(report: ProgressReport) -> dict:
    return ProgressReport.objects.filter(pk=report.pk).values().get()


@pytest.mark.parametrize("field", FIELDS)
def test_a_bulk_update_cannot_change_any_column_of_an_accepted_report(accepted, field, hq, other_drive):
    before = stored(accepted)
    value = tampering(hq, other_drive)[field]
    with pytest.raises(DatabaseError), transaction.atomic():
        ProgressReport.objects.filter(pk=accepted.pk).update(**{field: value})
    assert stored(accepted) == before


def test_save_cannot_change_an_accepted_report(accepted):
    before = stored(accepted)
    report = ProgressReport.objects.get(pk=accepted.pk)
    report.progress = "在模型上直接改写"
    report.figures = {**report.figures, "members_total": 1}
    with pytest.raises(DatabaseError), transaction.atomic():
        report.save()
    assert stored(accepted) == before


def test_an_accepted_report_cannot_be_deleted(accepted):
    with pytest.raises(DatabaseError), transaction.atomic():
        ProgressReport.objects.filter(pk=accepted.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        ProgressReport.objects.get(pk=accepted.pk).delete()
    assert ProgressReport.objects.filter(pk=accepted.pk).exists()


def test_the_service_refuses_with_a_clerks_message(accepted, prefecture):
    with pytest.raises(ReportError):
        report_save(user=prefecture, report_id=accepted.pk, narrative={"progress": "偷改"})
    assert stored(accepted)["progress"] == "新建工会3家，发展会员200人"


@pytest.mark.parametrize("field", ["figures", "previous_figures", "progress", "submitted_at", "version"])
def test_a_submitted_report_keeps_its_frozen_figures_and_text(submitted, field, hq, other_drive):
    before = stored(submitted)
    with pytest.raises(DatabaseError), transaction.atomic():
        ProgressReport.objects.filter(pk=submitted.pk).update(**{field: tampering(hq, other_drive)[field]})
    assert stored(submitted) == before


@pytest.fixture
def finalised(drive, hq, divisions):
    acceptance = Acceptance.objects.create(
        drive=drive,
        unit_key="5401",
        area_id="540100",
        items=[{"item": "会员增长", "score": 30}],
        score=88,
        hq_comments="达到目标",
    )
    Acceptance.objects.filter(pk=acceptance.pk).update(finalised_at=LATER, finalised_by=hq)
    return acceptance


@pytest.mark.parametrize(
    "changes",
    [
        {"score": 100},
        {"items": []},
        {"hq_comments": "改过的意见"},
        {"finalised_at": None},
        {"special_report_name": "替换的报告.pdf"},
        {"area_id": "540200"},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_a_finalised_acceptance_cannot_be_changed(finalised, changes):
    before = Acceptance.objects.filter(pk=finalised.pk).values().get()
    with pytest.raises(DatabaseError), transaction.atomic():
        Acceptance.objects.filter(pk=finalised.pk).update(**changes)
    with pytest.raises(DatabaseError), transaction.atomic():
        Acceptance.objects.filter(pk=finalised.pk).delete()
    assert Acceptance.objects.filter(pk=finalised.pk).values().get() == before


@pytest.mark.django_db(transaction=True)
def test_a_return_and_an_acceptance_at_the_same_moment_cannot_both_happen(submitted, hq):
    """Two HQ reviewers act on one submitted report at once: exactly one wins; the other is told."""
    import threading

    from django.db import connection

    from organizations.models import AuditAction, AuditEntry
    from reports.services.progress import report_return

    barrier = threading.Barrier(2)
    outcomes = {}

    def act(name, action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes[name] = "done"
        except ReportError as error:
            outcomes[name] = str(error)
        finally:
            connection.close()

    def accept():
        report_accept(user=hq, report_id=submitted.pk)

    def send_back():
        report_return(user=hq, report_id=submitted.pk, comments="请补充典型经验")

    threads = [
        threading.Thread(target=act, args=(name, action))
        for name, action in (("accept", accept), ("return", send_back))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcome == "done" for outcome in outcomes.values()) == [False, True], outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "done")
    status = ProgressReport.objects.get(pk=submitted.pk).status
    assert status == {"accept": ReportStatus.ACCEPTED, "return": ReportStatus.RETURNED}[winner]
    transitions = AuditEntry.objects.filter(action=AuditAction.TRANSITION, object_id=str(submitted.pk))
    assert transitions.count() == 2  # the submission and the one review that happened


def test_the_report_form_cannot_change_an_accepted_report(accepted, client_for, prefecture):
    before = stored(accepted)
    response = client_for(prefecture).post(
        f"/reports/{accepted.pk}/write/", {"progress": "通过表单改写", "submit": "1"}, follow=True
    )
    assert response.status_code == 200
    assert stored(accepted) == before
