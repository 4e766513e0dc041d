"""Is a stored snapshot still what the records say? (DESIGN "Freshness")

The database notes every change to the records the figures read
(drives.models.DataChange, written by the triggers of migration drives 0003)
with the first day it can move a figure. A roll-up records what it could see
when it began (`view()`); a note it could not see, dated on or before a
snapshot's day, makes that snapshot stale. Stale snapshots are never read as
current (drives.snapshots computes live instead), and `refresh_stale` (a
Celery task, queued after a write commits and swept every minute by beat)
rolls their periods up again.

On PostgreSQL, "could see" is the roll-up's pg_current_snapshot(): a note
from a transaction still open when the roll-up began (an import of a million
rows, say) stays unseen until a later roll-up, however its ids compare. Notes
of the roll-up's own transaction (tests, which run in one) count when written
before it began. On SQLite one writer at a time hands out ids in commit
order, so the last id seen is enough.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

logger = logging.getLogger(__name__)

REFRESH_DELAY_SECONDS = 30  # changes within this long after the first share one roll-up
_REFRESH_KEY = "drives:refresh-stale-queued"


@dataclass(frozen=True)
class View:
    """What a roll-up beginning now can see of the change notes."""

    seen: str
    seen_xid: int | None
    seen_change: int


def view() -> View:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()::text::bigint, "
                "(SELECT coalesce(max(id), 0) FROM drives_datachange)"
            )
            seen, xid, last = cursor.fetchone()
            return View(seen, xid, last)
        cursor.execute("SELECT coalesce(max(id), 0) FROM drives_datachange")
        return View("", None, cursor.fetchone()[0])


def _unseen(snapshot: str) -> str:
    """SQL: the change note `c` was not visible to the roll-up that stored `snapshot` (a table alias)."""
    if connection.vendor == "postgresql":
        return (
            f"CASE WHEN c.xid = {snapshot}.seen_xid THEN c.id > {snapshot}.seen_change "
            f"ELSE NOT pg_visible_in_snapshot(c.xid::text::xid8, {snapshot}.seen::pg_snapshot) END"
        )
    return f"c.id > {snapshot}.seen_change"


# The SQL below is built from constants only (table aliases), never from input.


def is_stale() -> RawSQL:
    """An annotation for Snapshot querysets: a change it did not see may move its figures."""
    return RawSQL(  # noqa: S611
        "EXISTS (SELECT 1 FROM drives_datachange c "  # noqa: S608
        f"WHERE c.day <= drives_snapshot.day AND {_unseen('drives_snapshot')})",
        [],
    )


def stale_periods() -> list[tuple[int, str]]:
    """(drive id, period name) of every period with a stale snapshot (one query)."""
    from drives.models import Snapshot

    stale = Snapshot.objects.annotate(stale=is_stale()).filter(stale=True)
    return sorted(set(stale.values_list("drive_id", "period")))


def prune() -> int:
    """Delete the notes every snapshot they concern has seen: a roll-up after them sees them anyway."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM drives_datachange WHERE id IN"  # noqa: S608
            " (SELECT c.id FROM drives_datachange c "
            "WHERE NOT EXISTS (SELECT 1 FROM drives_snapshot s "
            f"WHERE c.day <= s.day AND {_unseen('s')}))"
        )
        return cursor.rowcount


def refresh_soon() -> None:
    """After the current transaction commits, queue one roll-up of the stale periods.

    Debounced: the first change queues a task to run in REFRESH_DELAY_SECONDS and
    later ones within that time add nothing. The beat sweep (drives.tasks
    .refresh_stale, every minute) catches whatever this misses (a cache or broker
    outage, a change made outside the services), so a failure here is only logged.
    """
    transaction.on_commit(_queue_refresh)


def _queue_refresh() -> None:
    from drives.tasks import refresh_stale

    try:
        if not cache.add(_REFRESH_KEY, 1, REFRESH_DELAY_SECONDS):
            return
        refresh_stale.apply_async(countdown=REFRESH_DELAY_SECONDS, retry=False)
    except Exception:  # a cache or broker outage: the sweep will do it
        logger.warning("Could not queue the refresh of stale snapshots; the beat sweep will.", exc_info=True)


def refreshes(service):
    """Decorate a service that writes records the figures read: once it has returned (and the
    transaction around it, if any, commits), the roll-up of stale periods is queued."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        result = service(*args, **kwargs)
        refresh_soon()
        return result

    return wrapper
