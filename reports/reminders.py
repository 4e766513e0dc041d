"""Deadline reminders for every unit of the reporting chain, sent once each.

For each period of the current drive a unit (county, prefecture, federation)
has not reported on, its staff are told 7, 3 and 1 days before the deadline
and once when it has passed: four reminders at most per unit and period. Each
is a notification keyed by stage, unit and period (notifications.notify), so
the job may run as often as it likes (beat runs it daily) and a missed day is
caught up by the next run's stage, never sent twice. A unit that has reported
(a standing report: a returned one has not) is not reminded.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from drives.models import Drive
from drives.periods import Period
from notifications.models import NotificationKind
from notifications.services import notify
from organizations.models import Role, User
from reports.models import ProgressReport
from reports.units import Unit, all_units, county_units

STAGES = ((7, 3), (3, 1), (1, -1))  # (days left at most, more than): 7…4, 3…2, 1…0 days before


def stage(deadline: dt.date, today: dt.date) -> str | None:
    """Which reminder is due on today for a deadline: "7", "3", "1", "overdue", or None."""
    left = (deadline - today).days
    if left < 0:
        return "overdue"
    for most, more in STAGES:
        if more < left <= most:
            return str(most)
    return None


def current_drive(today: dt.date) -> Drive | None:
    """The drive units owe reports to: this year's, or last year's until its last deadline
    (10 January) has passed by a month; a drive long over is reminded of nothing."""
    drive = Drive.objects.current(today)
    if drive is None or today > dt.date(drive.year + 1, 2, 10):
        return None
    return drive


def send_reminders(today: dt.date | None = None) -> int:
    """Notify every unit that owes a report; returns how many notifications were new."""
    today = today or timezone.localdate()
    drive = current_drive(today)
    if drive is None:
        return 0
    periods = [p for p in drive.report_periods() if p.start <= today and stage(p.deadline(), today)]
    if not periods:
        return 0
    units = [*all_units(), *county_units()]
    standing = ProgressReport.objects.filter(drive=drive, period__in=[p.name for p in periods]).standing()
    staff = _staff_by_unit()
    sent = 0
    for period in periods:
        due = stage(period.deadline(), today)
        for unit in units:
            if (unit.key, period.name) in standing or not staff.get(unit.key):
                continue
            sent += notify(
                staff[unit.key],
                kind=NotificationKind.OVERDUE if due == "overdue" else NotificationKind.REMINDER,
                key=f"reminder:{drive.year}:{period.name}:{unit.key}:{due}",
                title=_title(unit, period, due),
                body=_("报送截止日期：%(deadline)s。请在“双月进展报告”中填报并报送。")
                % {"deadline": period.deadline().isoformat()},
                url=reverse("reports:list"),
            )
    return sent


def _title(unit: Unit, period: Period, due: str) -> str:
    what = {"unit": unit.label, "period": period.label}
    if due == "overdue":
        return _("已逾期未报：%(unit)s %(period)s进展报告") % what
    return _("%(days)s天后截止：%(unit)s %(period)s进展报告") % {**what, "days": due}


def _staff_by_unit() -> dict[str, list[User]]:
    """The active accounts that write each unit's reports, in one query."""
    found: dict[str, list[User]] = defaultdict(list)
    accounts = User.objects.filter(
        is_active=True, role__in=[Role.COUNTY, Role.PREFECTURE, Role.FEDERATION]
    ).select_related("area")
    for user in accounts:
        if user.role == Role.FEDERATION:
            found["federation"].append(user)
        elif user.area is not None:
            found[user.area.prefix].append(user)
    return found
