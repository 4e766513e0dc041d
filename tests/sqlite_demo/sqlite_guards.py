"""The database guards on the SQLite demo (run by tests/test_sqlite_demo.py with DATABASE_URL unset).

Named sqlite_*.py so that the main run, on PostgreSQL, does not collect it. PostgreSQL's
versions are held by tests/security/test_immutability.py and tests/members/test_references.py.
"""

import contextlib
import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from drives.periods import Period
from members.models import Membership
from reports.models import Acceptance, ProgressReport
from reports.services.progress import report_accept, report_open, report_save, report_submit
from reports.units import unit_by_key
from tests.drives.test_figures import join
from tests.factories import EnterpriseFactory, UnionFactory
from tests.reports.helpers import make_drive

B3 = Period.parse("2015-B3")
LATER = timezone.make_aware(dt.datetime(2016, 1, 5, 9, 0))


@pytest.fixture(autouse=True)
def _on_sqlite():
    assert connection.vendor == "sqlite", "this module checks the SQLite demo's guards"


@contextlib.contextmanager
def refused(match: str):
    """The statement inside is refused by a trigger, and rolled back."""
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        yield


def raw(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def membership(divisions):
    union = UnionFactory(area_id="540102")
    return join(union, dt.date(2015, 5, 10), employer=EnterpriseFactory(area_id="540102"))


def test_a_membership_must_name_rows_that_exist(membership):
    fields = {"member_id": 999_999, "union_id": 999_999, "employer_id": 999_999, "created_by_id": 999_999}
    for column, missing in fields.items():
        with refused(f'violates foreign key on "{column}"'):
            Membership.objects.filter(pk=membership.pk).update(**{column: missing})
    with refused('violates foreign key on "member_id"'):
        Membership.objects.create(
            member_id=999_999,
            union=membership.union,
            joined_on=dt.date(2015, 6, 1),
            channel=membership.channel,
        )
    assert Membership.objects.count() == 1


@pytest.mark.parametrize(
    "table, pk",
    [
        ("members_member", lambda m: m.member_id),
        ("organizations_union", lambda m: m.union_id),
        ("organizations_enterprise", lambda m: m.employer_id),
    ],
)
def test_a_row_a_membership_names_cannot_be_deleted_or_renumbered(membership, table, pk):
    """Raw SQL, past Django's PROTECT: the database itself refuses."""
    with refused("violates foreign key"):
        raw(f'DELETE FROM "{table}" WHERE id = %s', pk(membership))  # noqa: S608 (the test's own names)
    with refused("violates foreign key"):
        raw(f'UPDATE "{table}" SET id = 999999 WHERE id = %s', pk(membership))  # noqa: S608


@pytest.fixture
def submitted(prefecture, divisions):
    drive = make_drive()
    join(UnionFactory(area_id="540102"), dt.date(2015, 5, 10))
    report = report_open(user=prefecture, drive=drive, period=B3, unit=unit_by_key("5401"))
    report_save(
        user=prefecture,
        report_id=report.pk,
        narrative={"progress": "新建工会3家，发展会员200人", "counties_note": "县区报告尚在审核"},
    )
    return report_submit(user=prefecture, report_id=report.pk)


def test_an_accepted_report_never_changes_and_is_never_deleted(submitted, hq):
    accepted = report_accept(user=hq, report_id=submitted.pk, comments="同意")
    rows = ProgressReport.objects.filter(pk=accepted.pk)
    for changes in (
        {"progress": "改写"},
        {"deadline": dt.date(2016, 1, 31)},
        {"figures": {"members_total": 9}},
    ):
        with refused("accepted and cannot change"):
            rows.update(**changes)
    with refused("cannot be deleted"):
        rows.delete()
    rows.update(is_latest=False)  # what a correction does to the version it supersedes
    with refused("accepted and cannot change"):
        rows.update(is_latest=True)


def test_a_submitted_report_changes_only_by_review(submitted):
    rows = ProgressReport.objects.filter(pk=submitted.pk)
    with refused("can only be returned or accepted"):
        rows.update(progress="改写")
    with refused("can only be returned or accepted"):
        rows.update(status="draft")
    rows.update(status="returned", hq_comments="请补充", reviewed_at=LATER)
    assert rows.get().status == "returned"


def test_a_draft_moves_only_as_the_workflow_does(prefecture, divisions):
    report = report_open(user=prefecture, drive=make_drive(), period=B3, unit=unit_by_key("5401"))
    with refused("cannot go from"):
        ProgressReport.objects.filter(pk=report.pk).update(status="accepted")


def test_a_finalised_acceptance_never_changes(hq, divisions):
    acceptance = Acceptance.objects.create(drive=make_drive(), unit_key="5401", area_id="540100")
    Acceptance.objects.filter(pk=acceptance.pk).update(finalised_at=LATER, finalised_by=hq)
    with refused("finalised"):
        Acceptance.objects.filter(pk=acceptance.pk).update(score=100)
    with refused("finalised"):
        Acceptance.objects.filter(pk=acceptance.pk).delete()
