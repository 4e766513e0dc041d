"""Demo data for drives: the 2015 drive, targets for every prefecture, county and the
federation, and the roll-up of its past periods.

Targets are set from the seeded members: each prefecture is asked for 80–150 %
of the growth its members will show over 2015, so the demo shows units ahead of
and behind their targets. Ngari declares its baseline (as a unit without history would).
"""

from __future__ import annotations

import datetime as dt
import math

from django.utils import timezone

from drives import figures
from drives.models import Drive, Target, UnitLevel
from drives.rollup import periods_to_roll, rollup_period
from members.models import Member, Membership
from organizations.demo import refresh_statistics
from organizations.models import Area, AreaLevel
from organizations.scopes import FEDERATION_KEY, Scope

DECLARING_PREFECTURE = "542500"  # Ngari: declares its baseline


def seed(ctx) -> None:
    refresh_statistics(Member, Membership)
    drive = Drive.objects.create(**Drive.plan_calendar(2015))
    prefectures = list(Area.objects.filter(level=AreaLevel.PREFECTURE).order_by("code"))
    counties = list(Area.objects.filter(level=AreaLevel.COUNTY).order_by("code"))
    scopes = [Scope.of_area(a) for a in prefectures + counties] + [Scope.federation()]
    baseline = figures.compute_many(scopes, dt.date(2014, 12, 31), drive=drive)
    year_end = figures.compute_many(scopes, dt.date(2015, 12, 31), drive=drive)
    targets = []
    for area in prefectures:
        counted = baseline[area.prefix]["members_total"]
        # Asked for 80–150 % of the growth the year will bring: some units finish ahead, some behind.
        growth = year_end[area.prefix]["members_total"] - counted
        member_target = max(20, counted + math.ceil(growth * ctx.rng.uniform(0.8, 1.5)))
        declared = max(10, counted) if area.code == DECLARING_PREFECTURE else None
        targets.append(
            _target(drive, area, UnitLevel.PREFECTURE, member_target, baseline[area.prefix], declared)
        )
        # The prefecture splits its target to its counties in proportion to their
        # members, rounded down so the counties never add up to more.
        mine = [c for c in counties if c.parent_id == area.code]
        weights = [baseline[c.prefix]["members_total"] + 1 for c in mine]
        for county, weight in zip(mine, weights, strict=True):
            share = member_target * weight // sum(weights)
            targets.append(_target(drive, county, UnitLevel.COUNTY, share, baseline[county.prefix]))
    federation = baseline[FEDERATION_KEY]
    targets.append(
        Target(
            drive=drive,
            scope_key=FEDERATION_KEY,
            is_federation=True,
            level=UnitLevel.FEDERATION,
            member_target=max(20, math.ceil(federation["members_total"] * 1.25)),
            small_covered_target=federation["small_enterprises_total"],
        )
    )
    Target.objects.bulk_create(targets)
    ctx.shared["drive"] = drive
    # Roll up every period begun by now (the whole of 2015), as the nightly job would have.
    for period in periods_to_roll(drive, timezone.localdate()):
        rollup_period(drive=drive, period=period)
    ctx.write(f"    drive 2015: {len(targets)} targets, snapshots for {len(periods_to_roll(drive))} periods")


def _target(drive, area, level, member_target, at_baseline, declared=None) -> Target:
    return Target(
        drive=drive,
        scope_key=area.prefix,
        area=area,
        level=level,
        member_target=member_target,
        declared_baseline=declared,
        small_covered_target=at_baseline["small_enterprises_total"],
        parks_with_union_target=at_baseline["parks_total"],
        townships_eight_haves_target=at_baseline["townships_total"],
        communities_with_union_target=(at_baseline["communities_total"] or 0) // 2,
    )
