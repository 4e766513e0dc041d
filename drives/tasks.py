"""Celery tasks for the roll-up (queue "rollups").

Tasks take a drive's year and a period name, never model instances. They are
idempotent (rollup_period upserts in one transaction), acknowledge late so a
task whose worker died is redelivered, and retry with backoff when the
database is briefly unavailable. A roll-up started from a page carries the
requesting user's id and re-checks that they may still manage the drive.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from drives import freshness
from drives.models import Drive
from drives.periods import Period
from drives.rollup import rollup_period
from organizations.models import User
from organizations.permissions import Perm, has_perm

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def rollup(year: int, period_name: str, requested_by: int | None = None) -> int:
    if requested_by is not None:
        user = User.objects.filter(pk=requested_by, is_active=True).first()
        if user is None or not has_perm(user, Perm.MANAGE_DRIVE):
            return 0
    drive = Drive.objects.filter(year=year).first()
    if drive is None:
        return 0
    return rollup_period(drive=drive, period=Period.parse(period_name))


@shared_task(**RETRY)
def rollup_current() -> int:
    """Nightly: the period that contains today, for today's drive."""
    today = timezone.localdate()
    drive = Drive.objects.filter(year=today.year).first()
    if drive is None:
        return 0
    return rollup_period(drive=drive, period=Period.containing(today))


@shared_task(**RETRY)
def rollup_just_ended() -> int:
    """Shortly after a bimonthly period ends: that period, taken at its last day."""
    ended = Period.containing(timezone.localdate() - dt.timedelta(days=1))
    drive = Drive.objects.filter(year=ended.year).first()
    if drive is None:
        return 0
    return rollup_period(drive=drive, period=ended)


@shared_task(**RETRY)
def refresh_stale() -> int:
    """Roll up again every period a later change has made stale (drives.freshness).

    Queued after a write commits (debounced) and swept by beat every minute;
    idempotent: a period already fresh is not stale, so a second run does nothing."""
    from django.core.cache import cache

    cache.delete(freshness._REFRESH_KEY)  # changes from now on queue the next run
    drives = Drive.objects.in_bulk()
    stored = 0
    for drive_id, name in freshness.stale_periods():
        stored += rollup_period(drive=drives[drive_id], period=Period.parse(name))
    return stored
