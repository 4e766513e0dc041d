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
