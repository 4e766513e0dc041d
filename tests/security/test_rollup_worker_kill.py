"""A worker killed in the middle of a roll-up leaves no half-written snapshot set, and the
redelivered roll-up stores exactly one set.

The roll-up (drives.rollup.rollup_period) computes every scope's figures, then
writes all snapshots with one INSERT … ON CONFLICT DO UPDATE in one transaction.
On test data that write takes milliseconds, too quick to kill a worker inside.
So the test makes it wait, for real, in PostgreSQL: before the task is queued,
another connection of the test inserts the federation's snapshot row for the
same drive and period and keeps its transaction open. The federation is the
last scope the roll-up writes, so its INSERT puts every other scope's row into
its own transaction and then waits on the unique index for the test's
uncommitted row (wait event "Lock", seen in pg_stat_activity). Nothing of the
product is mocked or changed; no data is faked. (The roll-up takes no advisory
lock a test could hold, and a larger dataset would only slow the computation,
which happens before the transaction, not the write.)

The worker is then SIGKILLed while it waits. The test rolls back its own row:
the dead worker's database session finishes its INSERT, finds its client gone
and aborts, so nothing it wrote is ever committed. A second worker receives the
unacknowledged task after the (shortened) visibility timeout and writes the
whole set once; later redeliveries would only upsert the same rows.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from drives import figures
from drives.models import Snapshot
from drives.periods import Period
from drives.rollup import rollup_scopes, snapshot_day
from drives.tasks import rollup
from organizations.scopes import Scope
from tests.drives.test_figures import join
from tests.factories import UnionFactory
from tests.reports.helpers import make_drive
from tests.security.workers import (
    VISIBILITY_TIMEOUT,
    kill,
    start_worker,
    stop,
    use_short_visibility_timeout,
    wait_until,
)
from unionapp.celery import app

PERIOD = Period.parse("2015-B3")
MEMBERS = 5


class HeldSnapshotRow:
    """The federation's snapshot row, inserted in another connection and left uncommitted."""

    def __init__(self, drive):
        self.drive = drive
        self.inserted = threading.Event()
        self.release = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._hold, daemon=True)

    class _RollBack(Exception):
        pass

    def _hold(self):
        from django.db import connection as own_connection  # this thread's own connection

        try:
            with transaction.atomic():
                Snapshot.objects.create(
                    drive=self.drive,
                    period=PERIOD.name,
                    scope_key=Scope.federation().key,
                    is_federation=True,
                    day=PERIOD.end,
                    figures={"held_by": "test"},
                    computed_at=timezone.now(),
                )
                self.inserted.set()
                self.release.wait(timeout=300)
                raise self._RollBack
        except self._RollBack:
            pass
        except BaseException as error:  # reported to the test, never swallowed
            self.error = error
            self.inserted.set()
        finally:
            own_connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.inserted.wait(timeout=30) and self.error is None, self.error
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)


def rollup_sessions(waiting_only: bool) -> list[tuple[int, str | None]]:
    """Database sessions (other than ours) running the roll-up's snapshot INSERT: (pid, xid).

    A session has a transaction id once it has written a row, so a waiting INSERT with
    one has already put rows into its (uncommitted) transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pid, backend_xid::text FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND query LIKE 'INSERT INTO "drives_snapshot"%%'
              AND state = 'active'
              AND (NOT %s OR wait_event_type = 'Lock')
            """,
            [waiting_only],
        )
        return [(pid, xid) for pid, xid in cursor.fetchall()]


@pytest.fixture
def drive(transactional_db, divisions):
    drive = make_drive()
    union = UnionFactory(area_id="540102")
    for _ in range(MEMBERS):
        join(union, dt.date(2015, 5, 10))
    return drive


@pytest.mark.worker
def test_a_rollup_killed_mid_write_leaves_no_snapshots_and_completes_once_on_redelivery(drive):
    scopes = rollup_scopes()
    stored = Snapshot.objects.filter(drive=drive, period=PERIOD.name)
    saved_options = use_short_visibility_timeout()
    first = start_worker("rollups")
    try:
        with HeldSnapshotRow(drive):
            rollup.apply_async(args=[drive.year, PERIOD.name])
            assert wait_until(lambda: rollup_sessions(waiting_only=True), timeout=120), (
                "the roll-up never reached its write"
            )
            [(_pid, xid)] = rollup_sessions(waiting_only=True)
            assert xid is not None, "the roll-up is waiting before it wrote anything"
            kill(first)
            assert stored.count() == 0
        # The test's row is rolled back; the dead worker's session ends without committing.
        assert wait_until(lambda: not rollup_sessions(waiting_only=False), timeout=30)
        assert stored.count() == 0, "a half-written snapshot set survived the killed worker"

        second = start_worker("rollups")
        try:
            assert wait_until(lambda: stored.count() == len(scopes), timeout=120, interval=0.5), (
                "the redelivered roll-up did not store the snapshots"
            )
            # Give any further redelivery time to run: it would only replace the same rows.
            wait_until(lambda: False, timeout=VISIBILITY_TIMEOUT * 2)
        finally:
            stop(second)
    finally:
        if first.poll() is None:
            kill(first)
        app.conf.broker_transport_options = saved_options

    rows = list(stored)
    assert len(rows) == len(scopes)
    assert sorted(row.scope_key for row in rows) == sorted(scope.key for scope in scopes)
    assert all("held_by" not in row.figures for row in rows)
    day = snapshot_day(PERIOD)
    expected = figures.compute_records(scopes, day, drive=drive, period=PERIOD)  # reporting is never stored
    by_key = {row.scope_key: row for row in rows}
    assert by_key[Scope.region().key].figures["members_total"] == MEMBERS
    assert by_key["540102"].figures["members_total"] == MEMBERS
    assert {key: row.figures for key, row in by_key.items()} == expected
    assert {row.day for row in rows} == {day}
