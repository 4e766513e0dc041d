"""Bimonthly reporting periods, named "YYYY-Bn" (n = 1…6): 2015-B2 is March–April 2015.

A figure "at" a period is taken at the period's last day, Beijing time
(Asia/Shanghai), which is the project's TIME_ZONE, so `timezone.localdate()`
is already the Beijing date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

PERIODS_PER_YEAR = 6
_NAME = re.compile(r"^(\d{4})-B([1-6])$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    number: int  # 1…6

    def __post_init__(self) -> None:
        if not 1 <= self.number <= PERIODS_PER_YEAR:
            raise PeriodError(_("双月期次应为1至6：%(number)s") % {"number": self.number})

    @classmethod
    def parse(cls, name: str) -> Period:
        match = _NAME.match(name.strip())
        if not match:
            raise PeriodError(_("期次格式应为“2015-B2”（年份-B期次1至6）：%(name)s") % {"name": name})
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        return cls(day.year, (day.month + 1) // 2)

    @classmethod
    def current(cls) -> Period:
        return cls.containing(timezone.localdate())

    @classmethod
    def of_year(cls, year: int) -> list[Period]:
        return [cls(year, n) for n in range(1, PERIODS_PER_YEAR + 1)]

    @property
    def name(self) -> str:
        return f"{self.year}-B{self.number}"

    def __str__(self) -> str:
        return self.name

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 2 * self.number - 1, 1)

    @property
    def end(self) -> dt.date:
        month = 2 * self.number
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        """In the active language: "2015年3—4月", "Months 3–4, 2015"."""
        return _("%(year)s年%(first_month)s—%(last_month)s月") % {
            "year": self.year,
            "first_month": 2 * self.number - 1,
            "last_month": 2 * self.number,
        }

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        if self.number == 1:
            return Period(self.year - 1, PERIODS_PER_YEAR)
        return Period(self.year, self.number - 1)

    def next(self) -> Period:
        if self.number == PERIODS_PER_YEAR:
            return Period(self.year + 1, 1)
        return Period(self.year, self.number + 1)

    def deadline(self) -> dt.date:
        """Reports are due on the 10th of the month after the period ends."""
        after = self.end + dt.timedelta(days=1)
        return after.replace(day=10)
