"""An accepted progress report and a finalised acceptance cannot be changed by any path:
the service, the model's save(), a bulk queryset update or delete, the admin. Corrections
are new versions. A submitted report keeps everything but HQ's review until it is reviewed.

The database triggers (reports/migrations/0004_frozen_rows_whole_row.py) are what
make this hold for paths the services never see; each column is tried on its own.
"""

import datetime as dt

import pytest
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError
from django.test import override_settings
from django.utils import timezone

from drives.periods import Period
from organizations.models import Role, User
from reports.models import Acceptance, ProgressReport, ReportStatus
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
from tests.factories import UnionFactory, UserFactory
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
    report_save(
        user=prefecture,
        report_id=report.pk,
        narrative={"progress": "新建工会3家，发展会员200人", "counties_note": "县区报告尚在审核"},
    )
    return report_submit(user=prefecture, report_id=report.pk)


@pytest.fixture
def accepted(submitted, hq):
    return report_accept(user=hq, report_id=submitted.pk, comments="同意")


def tampering(hq, other_drive, other_user):
    """A change to every stored column, as someone bypassing the services might try."""
    return {
        "id": 999_999,
        "drive_id": other_drive.pk,
        "period": "2015-B4",
        "unit_key": "5402",
        "area_id": "540200",
        "is_federation": True,
        "version": 7,
        "status": ReportStatus.DRAFT,
        "deadline": dt.date(2016, 1, 31),
        "figures": {"members_total": 99999},
        "previous_figures": {"members_total": 0},
        "progress": "改写后的进展",
        "typical_experience": "补写的经验",
        "innovations": "补写的创新",
        "problems": "删掉的问题",
        "next_steps": "改过的打算",
        "counties_note": "改过的说明",
        "hq_comments": "改过的意见",
        "submitted_at": LATER,
        "first_submitted_at": LATER,
        "submitted_by_id": other_user.pk,
        "reviewed_at": LATER,
        "reviewed_by_id": other_user.pk,
        "created_at": LATER,
        "updated_at": LATER,
    }


# Every stored column of an accepted report is frozen. The one change the workflow
# still makes, a correction marking the version no longer the latest, is tested apart.
FIELDS = [
    "id",
    "drive_id",
    "period",
    "unit_key",
    "area_id",
    "is_federation",
    "version",
    "status",
    "deadline",
    "figures",
    "previous_figures",
    "progress",
    "typical_experience",
    "innovations",
    "problems",
    "next_steps",
    "counties_note",
    "hq_comments",
    "submitted_at",
    "first_submitted_at",
    "submitted_by_id",
    "reviewed_at",
    "reviewed_by_id",
    "created_at",
    "updated_at",
]
# A submitted report waits for HQ's review: only the review's columns may change.
REVIEW_FIELDS = {"status", "hq_comments", "reviewed_at", "reviewed_by_id", "updated_at"}
SUBMITTED_FROZEN = [name for name in FIELDS if name not in REVIEW_FIELDS]


def test_the_lists_name_every_column_so_a_new_one_is_tried_too():
    columns = {field.attname for field in ProgressReport._meta.concrete_fields}
    assert set(FIELDS) == columns - {"is_latest"}


@pytest.fixture
def other_user(divisions):
    return UserFactory(username="someone_else", role=Role.HQ)


@pytest.fixture
def other_drive(drive):
    from drives.models import Drive

    return Drive.objects.create(**Drive.plan_calendar(2016))


def stored(report: ProgressReport) -> dict:
    return ProgressReport.objects.filter(pk=report.pk).values().get()


@pytest.mark.parametrize("field", FIELDS)
def test_a_bulk_update_cannot_change_any_column_of_an_accepted_report(
    accepted, field, hq, other_drive, other_user
):
    before = stored(accepted)
    value = tampering(hq, other_drive, other_user)[field]
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
        report_save(
            user=prefecture,
            report_id=accepted.pk,
            narrative={"progress": "偷改", "counties_note": "县区报告尚在审核"},
        )
    assert stored(accepted)["progress"] == "新建工会3家，发展会员200人"


@pytest.mark.parametrize("field", SUBMITTED_FROZEN)
def test_a_submitted_report_keeps_its_frozen_figures_and_text(submitted, field, hq, other_drive, other_user):
    before = stored(submitted)
    value = tampering(hq, other_drive, other_user)[field]
    with pytest.raises(DatabaseError), transaction.atomic():
        ProgressReport.objects.filter(pk=submitted.pk).update(**{field: value})
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


# --- save(), one column at a time, and the admin ----------------------------------------

SAVED_ONE_BY_ONE = [name for name in FIELDS if name != "id"]  # a new pk would save a copy, not a change


@pytest.mark.parametrize("field", SAVED_ONE_BY_ONE)
def test_save_cannot_change_any_column_of_an_accepted_report(accepted, field, hq, other_drive, other_user):
    before = stored(accepted)
    report = ProgressReport.objects.get(pk=accepted.pk)
    setattr(report, field, tampering(hq, other_drive, other_user)[field])
    with pytest.raises(DatabaseError, match="accepted and cannot change"), transaction.atomic():
        report.save(update_fields=[field])
    assert stored(accepted) == before


@pytest.mark.parametrize("field", [name for name in SUBMITTED_FROZEN if name != "id"])
def test_save_cannot_change_a_frozen_column_of_a_submitted_report(
    submitted, field, hq, other_drive, other_user
):
    before = stored(submitted)
    report = ProgressReport.objects.get(pk=submitted.pk)
    setattr(report, field, tampering(hq, other_drive, other_user)[field])
    with pytest.raises(DatabaseError, match="frozen"), transaction.atomic():
        report.save(update_fields=[field])
    assert stored(submitted) == before


@pytest.fixture
def root(divisions):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def admin_form_changes(field, hq, other_drive, other_user):
    value = tampering(hq, other_drive, other_user)[field]
    return {field: value}


# Columns the admin's form can set (the pk and the automatic timestamps are not on it).
ADMIN_EDITABLE = [name for name in FIELDS if name not in ("id", "created_at", "updated_at")]


@pytest.mark.urls("tests.security.frozen_admin")
def test_the_admin_form_used_below_saves_a_returned_report(client_for, root, submitted, hq):
    """The control: the same form data saves a report the unit may edit (every kind of column
    filled in), so a refusal below is the database's, not the form's."""
    from tests.security.frozen_admin import change_url, form_data

    report_return(user=hq, report_id=submitted.pk, comments="请补充")
    returned = ProgressReport.objects.get(pk=submitted.pk)
    response = client_for(root).post(change_url(returned), form_data(returned, progress="管理员改写"))
    assert response.status_code == 302
    after = stored(returned)
    assert after["progress"] == "管理员改写"
    assert after["submitted_at"] == returned.submitted_at
    assert after["figures"] == returned.figures


@pytest.mark.urls("tests.security.frozen_admin")
@pytest.mark.parametrize("field", ADMIN_EDITABLE)
def test_the_admin_cannot_change_any_column_of_an_accepted_report(
    accepted, field, client_for, root, hq, other_drive, other_user
):
    from tests.security.frozen_admin import change_url, form_data

    before = stored(accepted)
    report = ProgressReport.objects.get(pk=accepted.pk)
    data = form_data(report, **admin_form_changes(field, hq, other_drive, other_user))
    with pytest.raises(DatabaseError, match="accepted and cannot change"):
        client_for(root).post(change_url(report), data)
    assert stored(accepted) == before


@pytest.mark.urls("tests.security.frozen_admin")
@pytest.mark.parametrize("field", [name for name in ADMIN_EDITABLE if name in SUBMITTED_FROZEN])
def test_the_admin_cannot_change_a_frozen_column_of_a_submitted_report(
    submitted, field, client_for, root, hq, other_drive, other_user
):
    from tests.security.frozen_admin import change_url, form_data

    before = stored(submitted)
    report = ProgressReport.objects.get(pk=submitted.pk)
    data = form_data(report, **admin_form_changes(field, hq, other_drive, other_user))
    with pytest.raises(DatabaseError, match="frozen"):
        client_for(root).post(change_url(report), data)
    assert stored(submitted) == before


@pytest.mark.urls("tests.security.frozen_admin")
def test_the_admin_cannot_delete_an_accepted_report(accepted, client_for, root):
    from tests.security.frozen_admin import delete_url

    with pytest.raises(DatabaseError, match="cannot be deleted"):
        client_for(root).post(delete_url(accepted), {"post": "yes"})
    assert ProgressReport.objects.filter(pk=accepted.pk).exists()


@override_settings(OTP_REQUIRED_FOR_HQ=False)
@pytest.mark.parametrize("whose", ["submitted_by", "reviewed_by"])
def test_deleting_the_clerk_named_on_an_accepted_report_is_refused_in_the_admin(
    accepted, whose, client_for, root
):
    """The site's own admin: deleting the user would blank their name on the report; it is protected."""
    before = stored(accepted)
    named = getattr(accepted, whose)
    response = client_for(root).post(f"/admin/organizations/user/{named.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert str(accepted) in response.content.decode()  # listed among the protected objects
    assert User.objects.filter(pk=named.pk).exists()
    assert stored(accepted) == before
    with pytest.raises(ProtectedError):
        User.objects.get(pk=named.pk).delete()


# --- what the workflow still does -------------------------------------------------------


def test_a_correction_only_marks_the_accepted_version_superseded(accepted, prefecture):
    before = stored(accepted)
    new = report_correct(user=prefecture, report_id=accepted.pk)
    assert (new.version, new.status, new.is_latest) == (2, ReportStatus.DRAFT, True)
    assert stored(accepted) == {**before, "is_latest": False}


def test_an_accepted_report_is_not_made_latest_again(accepted):
    ProgressReport.objects.filter(pk=accepted.pk).update(is_latest=False)  # as a correction does
    with pytest.raises(DatabaseError, match="accepted and cannot change"), transaction.atomic():
        ProgressReport.objects.filter(pk=accepted.pk).update(is_latest=True)
    assert stored(accepted)["is_latest"] is False


def test_a_submitted_report_is_reviewed_by_hq_and_not_sent_back_to_draft(submitted, hq):
    with pytest.raises(DatabaseError, match="can only be returned or accepted"), transaction.atomic():
        ProgressReport.objects.filter(pk=submitted.pk).update(status=ReportStatus.DRAFT)
    returned = report_return(user=hq, report_id=submitted.pk, comments="请补充典型经验")
    assert returned.status == ReportStatus.RETURNED
    assert stored(returned)["figures"] == submitted.figures


@pytest.mark.parametrize("start", [ReportStatus.DRAFT, ReportStatus.RETURNED])
def test_a_bulk_update_cannot_accept_a_report_that_was_never_submitted_as_it_stands(
    start, submitted, hq, prefecture
):
    """Accepted only through a submission: a draft, or a returned report being edited, cannot jump there."""
    if start == ReportStatus.RETURNED:
        report_return(user=hq, report_id=submitted.pk, comments="请修改")
        report = submitted
    else:
        report = report_open(
            user=prefecture, drive=submitted.drive, period=Period.parse("2015-B4"), unit=unit_by_key("5401")
        )
    before = stored(report)
    with pytest.raises(DatabaseError, match="cannot go from"), transaction.atomic():
        ProgressReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.ACCEPTED, figures={"members_total": 99999}, submitted_at=LATER
        )
    assert stored(report) == before


# --- a finalised acceptance, every column -----------------------------------------------

ACCEPTANCE_TAMPERING = {
    "id": 999_999,
    "drive_id": None,  # filled with another drive in the test
    "unit_key": "5402",
    "area_id": "540200",
    "is_federation": True,
    "items": [{"item": "会员增长", "score": 0}],
    "score": 100,
    "hq_comments": "改过的意见",
    "special_report": "special_reports/2015/replaced.pdf",
    "special_report_name": "替换的报告.pdf",
    "special_report_at": LATER,
    "finalised_at": None,
    "finalised_by_id": None,
    "updated_at": LATER,
}


def acceptance_change(field, other_drive):
    return {field: other_drive.pk if field == "drive_id" else ACCEPTANCE_TAMPERING[field]}


def stored_acceptance(acceptance):
    return Acceptance.objects.filter(pk=acceptance.pk).values().get()


def test_the_acceptance_list_names_every_column():
    assert set(ACCEPTANCE_TAMPERING) == {field.attname for field in Acceptance._meta.concrete_fields}


@pytest.mark.parametrize("field", list(ACCEPTANCE_TAMPERING))
def test_no_column_of_a_finalised_acceptance_changes_by_bulk_update_or_save(finalised, field, other_drive):
    before = stored_acceptance(finalised)
    changes = acceptance_change(field, other_drive)
    with pytest.raises(DatabaseError, match="finalised"), transaction.atomic():
        Acceptance.objects.filter(pk=finalised.pk).update(**changes)
    if field != "id":
        acceptance = Acceptance.objects.get(pk=finalised.pk)
        setattr(acceptance, field, changes[field])
        with pytest.raises(DatabaseError, match="finalised"), transaction.atomic():
            acceptance.save(update_fields=[field])
    assert stored_acceptance(finalised) == before


@pytest.mark.urls("tests.security.frozen_admin")
@pytest.mark.parametrize(
    "field",
    [name for name in ACCEPTANCE_TAMPERING if name not in ("id", "updated_at", "special_report")],
)
def test_the_admin_cannot_change_a_finalised_acceptance(finalised, field, client_for, root, other_drive):
    from tests.security.frozen_admin import change_url, form_data

    before = stored_acceptance(finalised)
    acceptance = Acceptance.objects.get(pk=finalised.pk)
    with pytest.raises(DatabaseError, match="finalised"):
        client_for(root).post(
            change_url(acceptance), form_data(acceptance, **acceptance_change(field, other_drive))
        )
    assert stored_acceptance(finalised) == before


@override_settings(OTP_REQUIRED_FOR_HQ=False)
def test_deleting_the_reviewer_who_finalised_an_acceptance_is_refused_in_the_admin(
    finalised, hq, client_for, root
):
    before = stored_acceptance(finalised)
    response = client_for(root).post(f"/admin/organizations/user/{hq.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    assert User.objects.filter(pk=hq.pk).exists()
    assert stored_acceptance(finalised) == before


def test_an_acceptance_not_yet_finalised_is_still_assessed_and_finalised(drive, hq, divisions):
    from reports.services.acceptance import acceptance_assess, acceptance_finalise

    unit = unit_by_key("5401")
    acceptance_assess(user=hq, drive=drive, unit=unit, comments="初评")
    final = acceptance_finalise(user=hq, drive=drive, unit=unit)
    assert final.is_final
    with pytest.raises(ReportError, match="已定稿"):
        acceptance_assess(user=hq, drive=drive, unit=unit, comments="再评")
