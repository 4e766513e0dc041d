"""Writes for drives and targets: one transaction each, refusals a clerk can read.

HQ sets drives and every unit's targets. A prefecture splits its own target
down to its counties; the counties' member targets may not add up to more
than the prefecture's (what is left unassigned is shown, not refused).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from drives.freshness import refreshes
from drives.models import Drive, Target, UnitLevel
from organizations import audit
from organizations.models import Area, AreaLevel, AuditAction, User
from organizations.permissions import Perm, has_perm, require
from organizations.scopes import FEDERATION_KEY, Scope

TARGET_FIELDS = (
    "member_target",
    "declared_baseline",
    "four_element_coverage_target",
    "four_element_membership_target",
    "small_covered_target",
    "parks_with_union_target",
    "townships_eight_haves_target",
    "communities_with_union_target",
)
PHASE_FIELDS = (
    "mobilisation_start",
    "mobilisation_end",
    "implementation_start",
    "implementation_end",
    "acceptance_start",
    "acceptance_end",
)


class DriveError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _validated(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DriveError("；".join(messages), field=None if field == "__all__" else field) from None


def drive_save(
    *, user: User, drive: Drive | None, year: int, name: str, baseline_year: int, **phases: dt.date
) -> Drive:
    require(user, Perm.MANAGE_DRIVE)
    if baseline_year >= year:
        raise DriveError(_("基数年度应早于行动年度（如2015年行动以2014年为基数）。"), field="baseline_year")
    dates = [phases[name] for name in PHASE_FIELDS]
    if any(d.year != year for d in dates):
        raise DriveError(_("各阶段日期应在%(year)s年内。") % {"year": year})
    if not (
        phases["mobilisation_start"] <= phases["mobilisation_end"]
        and phases["implementation_start"] <= phases["implementation_end"]
        and phases["acceptance_start"] <= phases["acceptance_end"]
        and phases["mobilisation_start"] <= phases["implementation_start"]
        and phases["implementation_end"] <= phases["acceptance_start"]
    ):
        raise DriveError(
            _("阶段日期顺序不对：组织动员、推进实施、总结验收应依次进行，且每阶段开始不晚于结束。")
        )
    with transaction.atomic():
        creating = drive is None
        drive = drive or Drive()
        before = audit.snapshot(drive, ("year", "name", "baseline_year", *PHASE_FIELDS))
        drive.year, drive.name, drive.baseline_year = year, name.strip(), baseline_year
        for field, value in phases.items():
            setattr(drive, field, value)
        if Drive.objects.filter(year=year).exclude(pk=drive.pk).exists():
            raise DriveError(_("%(year)s年度的集中行动已存在。") % {"year": year}, field="year")
        _validated(drive)
        drive.save()
        after = audit.snapshot(drive, ("year", "name", "baseline_year", *PHASE_FIELDS))
        audit.record(
            user=user,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            obj=drive,
            changes={k: str(v) for k, v in after.items()} if creating else audit.diff(before, after),
        )
    return drive


def unit_of(area: Area | None) -> tuple[str, str]:
    """(scope key, level) of a target's unit: a prefecture, a county, or the federation (area None)."""
    if area is None:
        return FEDERATION_KEY, UnitLevel.FEDERATION
    if area.level == AreaLevel.PREFECTURE:
        return area.prefix, UnitLevel.PREFECTURE
    if area.level == AreaLevel.COUNTY:
        return area.prefix, UnitLevel.COUNTY
    raise DriveError(_("%(name)s不是地市或县区，不能下达目标。") % {"name": area.name}, field="area")


def may_set_target(user: User, area: Area | None) -> bool:
    """HQ sets every unit's target; a prefecture its own counties'."""
    if has_perm(user, Perm.MANAGE_DRIVE):
        return True
    scope = Scope.for_user(user)
    return (
        area is not None
        and area.level == AreaLevel.COUNTY
        and has_perm(user, Perm.SUBMIT_REPORTS)
        and scope.kind == "area"
        and len(scope.prefix) == 4
        and area.prefix.startswith(scope.prefix)
    )


@refreshes
def target_set(*, user: User, drive: Drive, area: Area | None, values: dict[str, int | None]) -> Target:
    if not may_set_target(user, area):
        raise DriveError(
            _(
                "您不能为该单位下达目标：区总工会下达地市、县区和区非公企业工会联合会的目标，地市只分解到本地县区。"
            )
        )
    key, level = unit_of(area)
    with transaction.atomic():
        target = Target.objects.select_for_update().filter(drive=drive, scope_key=key).first()
        creating = target is None
        target = target or Target(
            drive=drive, scope_key=key, area=area, level=level, is_federation=area is None
        )
        before = audit.snapshot(target, TARGET_FIELDS)
        for field in TARGET_FIELDS:
            if field in values:
                value = values[field]
                if value is None and field in (
                    "member_target",
                    "four_element_coverage_target",
                    "four_element_membership_target",
                ):
                    continue
                setattr(target, field, value)
        _validated(target)
        target.save()
        if level == UnitLevel.COUNTY:
            _check_split(drive, area.parent)
        audit.record(
            user=user,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            obj=target,
            changes=audit.diff(before, audit.snapshot(target, TARGET_FIELDS)),
        )
    return target


def _check_split(drive: Drive, prefecture: Area) -> None:
    """The counties' member targets may not exceed their prefecture's (when it has one)."""
    own = Target.objects.filter(drive=drive, scope_key=prefecture.prefix).first()
    if own is None:
        return
    assigned = counties_total(drive, prefecture)
    if assigned > own.member_target:
        raise DriveError(
            _(
                "%(name)s各县区会员目标合计%(assigned)s人，超过地市目标%(member_target)s人（多%(excess)s人）。请调低后再保存。"
            )
            % {
                "name": prefecture.name,
                "assigned": assigned,
                "member_target": own.member_target,
                "excess": assigned - own.member_target,
            },
            field="member_target",
        )


def counties_total(drive: Drive, prefecture: Area) -> int:
    return (
        Target.objects.filter(
            drive=drive, level=UnitLevel.COUNTY, scope_key__startswith=prefecture.prefix
        ).aggregate(total=Sum("member_target"))["total"]
        or 0
    )


@dataclass(frozen=True)
class SplitLine:
    area: Area
    target: Target | None


@dataclass(frozen=True)
class Split:
    prefecture: Area
    own: Target | None
    lines: list[SplitLine]

    @property
    def assigned(self) -> int:
        return sum(line.target.member_target for line in self.lines if line.target)

    @property
    def difference(self) -> int | None:
        """The prefecture's target less what its counties were given (negative: over-assigned)."""
        return None if self.own is None else self.own.member_target - self.assigned


def split_of(drive: Drive, prefecture: Area) -> Split:
    counties = list(Area.objects.filter(parent=prefecture, level=AreaLevel.COUNTY).order_by("code"))
    targets = {
        t.scope_key: t for t in Target.objects.filter(drive=drive, scope_key__startswith=prefecture.prefix)
    }
    return Split(
        prefecture=prefecture,
        own=targets.get(prefecture.prefix),
        lines=[SplitLine(area, targets.get(area.prefix)) for area in counties],
    )


@refreshes
def targets_split(*, user: User, drive: Drive, prefecture: Area, member_targets: dict[str, int]) -> Split:
    """Save a prefecture's counties' member targets at once; refused whole if the sum is too high."""
    with transaction.atomic():
        counties = {a.code: a for a in Area.objects.filter(parent=prefecture, level=AreaLevel.COUNTY)}
        for code in member_targets:
            if code not in counties:
                raise DriveError(_("%(code)s不是%(name)s的县区。") % {"code": code, "name": prefecture.name})
            if not may_set_target(user, counties[code]):
                raise DriveError(_("您不能分解该地市的目标。"))
        for code, value in member_targets.items():
            key, _level = unit_of(counties[code])
            target = Target.objects.filter(drive=drive, scope_key=key).first()
            if target is None:
                Target.objects.create(
                    drive=drive,
                    scope_key=key,
                    area=counties[code],
                    level=UnitLevel.COUNTY,
                    member_target=value,
                )
            elif target.member_target != value:
                target.member_target = value
                target.save(update_fields=["member_target", "updated_at"])
        _check_split(drive, prefecture)
        audit.record(
            user=user,
            action=AuditAction.UPDATE,
            obj=prefecture,
            changes={"drive": drive.year, "county_targets": member_targets},
        )
    return split_of(drive, prefecture)
