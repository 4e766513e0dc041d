"""Membership's four foreign keys, kept on PostgreSQL by per-statement triggers (members 0006):
what the per-row constraints refused is still refused, what Django allowed still works."""

import datetime as dt
import threading
import time

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import ProtectedError

from members.bulk_write import NewMembership, insert_memberships
from members.models import JoinChannel, Member, Membership
from organizations.models import Enterprise, Union, User
from tests.factories import EnterpriseFactory, MemberFactory, MembershipFactory, UnionFactory, UserFactory

MISSING = 10**12

pytestmark = pytest.mark.usefixtures("divisions")


def membership_fields() -> dict:
    """A membership's fields, each row it names freshly made."""
    return {
        "member": MemberFactory(),
        "union": UnionFactory(),
        "employer": EnterpriseFactory(),
        "created_by": UserFactory(),
        "joined_on": dt.date(2015, 3, 1),
        "channel": JoinChannel.SOURCE,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["member", "union", "employer", "created_by"])
def test_a_membership_naming_a_missing_row_is_refused(field):
    fields = membership_fields()
    fields.pop(field)
    with pytest.raises(IntegrityError, match=f'foreign key on "{field}_id"'), transaction.atomic():
        Membership.objects.create(**fields, **{f"{field}_id": MISSING})
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_a_copy_with_one_missing_member_saves_none_and_names_it():
    union, members = UnionFactory(), MemberFactory.create_batch(3)
    rows = [NewMembership(m.pk, union.pk, None, dt.date(2015, 3, 1), JoinChannel.SOURCE) for m in members]
    rows.append(NewMembership(MISSING, union.pk, None, dt.date(2015, 3, 1), JoinChannel.SOURCE))
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        insert_memberships(rows)
    assert f"Key (member_id)=({MISSING}) is not present" in str(refused.value)
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_moving_a_membership_to_a_missing_union_is_refused():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError, match='foreign key on "union_id"'), transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(union_id=MISSING)
    membership.refresh_from_db()
    assert membership.union_id != MISSING


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Member, Union, Enterprise])
def test_rows_a_membership_names_cannot_be_deleted(model):
    membership = Membership.objects.create(**membership_fields())
    named = model.objects.filter(memberships=membership)
    with pytest.raises(ProtectedError):  # Django's PROTECT answers first, as before
        named.delete()
    with pytest.raises(IntegrityError, match="is still referenced"), transaction.atomic():
        model.objects.filter(pk=named.get().pk)._raw_delete(connection.alias)  # past Django: the database
    assert model.objects.filter(pk=named.get().pk).exists()


@pytest.mark.django_db
def test_deleting_the_clerk_who_entered_a_membership_blanks_the_name():
    membership = Membership.objects.create(**membership_fields())
    clerk = membership.created_by
    with pytest.raises(IntegrityError, match="is still referenced"), transaction.atomic():
        User.objects.filter(pk=clerk.pk)._raw_delete(connection.alias)
    clerk.delete()  # SET_NULL, as before
    membership.refresh_from_db()
    assert membership.created_by is None


@pytest.mark.django_db
def test_a_named_row_cannot_be_renumbered():
    membership = Membership.objects.create(**membership_fields())
    with pytest.raises(IntegrityError, match="is still referenced"), transaction.atomic():
        Union.objects.filter(pk=membership.union_id).update(id=MISSING)
    with transaction.atomic():  # a union no membership names can be
        Union.objects.filter(pk=UnionFactory().pk).update(id=MISSING)


@pytest.mark.django_db(transaction=True)
def test_a_delete_that_waits_on_an_open_import_sees_its_memberships():
    """The writer locks the rows its memberships name (FOR KEY SHARE), as a foreign key's
    check does: a delete started meanwhile waits for the commit, then finds them."""
    member, union = MemberFactory(), UnionFactory()
    outcome = []

    def delete_the_member():
        try:
            Member.objects.filter(pk=member.pk)._raw_delete(connection.alias)
            outcome.append("deleted")
        except IntegrityError as error:
            outcome.append(error)
        finally:
            connection.close()

    deleter = threading.Thread(target=delete_the_member)
    with transaction.atomic():
        insert_memberships(
            [NewMembership(member.pk, union.pk, None, dt.date(2015, 3, 1), JoinChannel.SOURCE)]
        )
        deleter.start()
        assert wait_for_lock_wait(), "the delete did not wait for the open transaction"
    deleter.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], IntegrityError), outcome
    assert Member.objects.filter(pk=member.pk).exists()
    assert Membership.objects.filter(member=member).count() == 1


@pytest.mark.django_db(transaction=True)
def test_deletes_outside_read_committed_are_refused():
    union = UnionFactory()
    with pytest.raises(OperationalError, match="READ COMMITTED"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        Union.objects.filter(pk=union.pk)._raw_delete(connection.alias)
    assert Union.objects.filter(pk=union.pk).exists()


def wait_for_lock_wait(seconds=20) -> bool:
    """Whether another session of this database comes to wait on a lock within `seconds`."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # a transaction sees one snapshot otherwise
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False
