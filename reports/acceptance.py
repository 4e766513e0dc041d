"""Year-end acceptance (考核验收): the plan's assessment items and how they are scored.

Each item has a target, an actual value (from drives.figures at the
assessment day, the earlier of today and 31 December, read as every page
reads figures: drives.snapshots.figures_at), whether it is met, and points.
Scoring rule: an item of weight W scores W × min(actual / target, 1), rounded
to one decimal; "met" means actual ≥ target.

No denominator, no score (DESIGN): an item whose target is 0 or missing, or
whose rate has no denominator (a unit with no four-element enterprise, no
report yet due), is not applicable (不适用), like the items that cannot apply
(parks, townships and communities for the federation, which has no
territory). Items that do not apply are left out and the remaining weights
are scaled up so the full score is always 100.

Until HQ finalises an acceptance, every page and workbook shows the score
assessed now; once finalised, the stored items and score, labelled as such.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from drives import figures
from drives.models import Drive, Target
from drives.periods import Period
from drives.snapshots import figures_at
from reports.models import ProgressReport, TypicalCase
from reports.units import Unit

FULL_SCORE = 100
CASES_EXPECTED = 2


@dataclass
class Item:
    key: str
    label: str
    weight: float
    target: float | None
    actual: float | None
    is_ratio: bool = False
    applies: bool = True
    met: bool = False
    points: float = 0.0

    def __post_init__(self) -> None:
        if not self.target or self.actual is None:
            self.applies = False  # no denominator, no score

    def score(self, scale: float) -> None:
        if not self.applies:
            return
        self.met = self.actual >= self.target
        fraction = max(0.0, min(self.actual / self.target, 1.0))
        self.points = round(self.weight * scale * fraction, 1)


def assessment_day(drive: Drive, today: dt.date | None = None) -> dt.date:
    return min(today or timezone.localdate(), dt.date(drive.year, 12, 31))


def reports_due(drive: Drive, day: dt.date) -> list[Period]:
    """The bimonthly periods from mobilisation on whose deadline has passed by day."""
    return [p for p in drive.report_periods() if p.deadline() <= day]


def assess(drive: Drive, unit: Unit, today: dt.date | None = None) -> tuple[list[Item], float]:
    return assess_many(drive, [unit], today)[unit.key]


def assess_many(
    drive: Drive, units: list[Unit], today: dt.date | None = None
) -> dict[str, tuple[list[Item], float]]:
    """Each unit's items and score, in a fixed number of queries whatever the units."""
    day = assessment_day(drive, today)
    found = figures_at([unit.scope for unit in units], day, drive=drive)
    keys = [unit.key for unit in units]
    targets = {t.scope_key: t for t in Target.objects.filter(drive=drive, scope_key__in=keys)}
    due = reports_due(drive, day)
    standing = ProgressReport.objects.filter(
        drive=drive, unit_key__in=keys, period__in=[p.name for p in due]
    ).standing()
    on_time = Counter(key for (key, _period), report in standing.items() if report.on_time)
    cases = dict(
        TypicalCase.objects.filter(drive=drive, unit_key__in=keys)
        .values("unit_key")
        .annotate(n=Count("pk"))
        .values_list("unit_key", "n")
    )
    return {
        unit.key: _score(
            _items(unit, found[unit.scope.key], targets.get(unit.key), len(due), on_time[unit.key], cases)
        )
        for unit in units
    }


def _items(unit: Unit, f: dict[str, Any], target: Target | None, due: int, on_time: int, cases) -> list[Item]:
    places = not unit.is_federation
    coverage_goal = (target.four_element_coverage_target if target else 100) / 100
    membership_goal = (target.four_element_membership_target if target else 80) / 100

    def goal(value: int | None, fallback: int | None) -> int | None:
        return value if value is not None else fallback

    items = [
        Item("growth", _("会员数较基数增长"), 15, f["members_baseline"] + 1, f["members_total"]),
        Item("target_progress", _("完成会员目标任务"), 20, f["target_members"], f["members_total"]),
        Item(
            "four_element_coverage",
            _("四要素企业建会率达100%"),
            15,
            coverage_goal,
            figures.ratio(f["four_element_covered"], f["four_element_total"]),
            is_ratio=True,
        ),
        Item(
            "four_element_membership",
            _("四要素企业农牧民工入会率≥80%"),
            15,
            membership_goal,
            f["four_element_membership_rate"],
            is_ratio=True,
        ),
        Item(
            "small_covered",
            _("小微企业建会覆盖"),
            5,
            goal(target.small_covered_target if target else None, f["small_enterprises_total"]),
            f["small_enterprises_covered"],
        ),
        Item(
            "parks",
            _("园区建会"),
            5,
            goal(target.parks_with_union_target if target else None, f["parks_total"]),
            f["parks_with_union"],
        ),
        Item(
            "townships",
            _("乡镇“八有”达标"),
            5,
            goal(target.townships_eight_haves_target if target else None, f["townships_total"]),
            f["townships_eight_haves"],
        ),
        Item(
            "communities",
            _("社区（村）建会"),
            5,
            goal(target.communities_with_union_target if target else None, f["communities_total"]),
            f["communities_with_union"],
        ),
        Item("reports_on_time", _("双月进展报告按时报送"), 10, due, on_time),
        Item("cases", _("报送典型案例"), 5, CASES_EXPECTED, cases.get(unit.key, 0)),
    ]
    if not places:
        for item in items:
            if item.key in ("parks", "townships", "communities"):
                item.applies = False
    return items


def _score(items: list[Item]) -> tuple[list[Item], float]:
    applicable = sum(i.weight for i in items if i.applies)
    scale = FULL_SCORE / applicable if applicable else 0.0
    for item in items:
        item.score(scale)
    return items, round(sum(i.points for i in items), 1)


def items_as_json(items: list[Item]) -> list[dict[str, Any]]:
    return [asdict(item) for item in items]
