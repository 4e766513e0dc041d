"""Shared set-up for report tests: the 2015 drive and a few Lhasa members."""

import datetime as dt

from drives.models import Drive


def make_drive() -> Drive:
    return Drive.objects.create(
        year=2015,
        name="2015年农牧民工入会集中行动",
        baseline_year=2014,
        mobilisation_start=dt.date(2015, 4, 1),
        mobilisation_end=dt.date(2015, 4, 30),
        implementation_start=dt.date(2015, 4, 1),
        implementation_end=dt.date(2015, 10, 31),
        acceptance_start=dt.date(2015, 11, 1),
        acceptance_end=dt.date(2015, 12, 31),
    )
