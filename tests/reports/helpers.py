"""Shared set-up for report tests: the 2015 drive and a few Lhasa members."""

from drives.models import Drive


def make_drive() -> Drive:
    return Drive.objects.create(**Drive.plan_calendar(2015))
