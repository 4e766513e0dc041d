"""Writes to the basic directory: parks, enterprises, unions with their coverage, eight haves.

Every service takes the acting user, checks that what it touches lies in the
user's scope, saves in one transaction, records the audit trail and raises
DirectoryError with a message a clerk understands. Edits carry the version
the clerk saw (organizations.locking), so two clerks never overwrite each
other silently. Federation staff's records are always federation affiliates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from drives.freshness import refreshes
from organizations import audit
from organizations.creditcode import CreditCodeError, normalize_credit_code
from organizations.locking import save_with_version
from organizations.models import (
    Area,
    AreaLevel,
    AuditAction,
    Coverage,
    EightHavesCheck,
    Enterprise,
    Park,
    Role,
    Union,
    UnionKind,
    User,
)
from organizations.models.directory import EightHaves
from organizations.permissions import Perm, require
from organizations.scopes import Scope

ENTERPRISE_FIELDS = [
    "name",
    "credit_code",
    "area",
    "park",
    "sector",
    "ownership",
    "above_scale",
    "employees",
    "migrant_workers",
    "has_party_org",
    "operating",
    "profitable",
    "registered_on",
    "closed_on",
]
UNION_FIELDS = ["name", "code", "kind", "area", "park", "parent", "founded_on", "dissolved_on"]
PARK_FIELDS = ["name", "area", "established_on"]
PLACE_LEVELS = {AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE}


class DirectoryError(Exception):
    """A write the directory refuses; `field` names the form field at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(message)


# Checks shared by the forms, the services and the importers.


def check_area(user: User, area: Area) -> None:
    if area.level not in PLACE_LEVELS:
        raise DirectoryError(
            _("地区“%(code)s”是%(level)s，请填写县区、乡镇或村居代码。")
            % {"code": area.code, "level": area.get_level_display()},
            "area",
        )
    if not Scope.for_user(user).contains_code(area.code):
        raise DirectoryError(_("地区“%(code)s”不在您的管辖范围内。") % {"code": area.code}, "area")


def check_area_data(user: User, area: Area) -> None:
    """Parks and townships are area data: kept by area staff within their subtree. The
    federation reads those its affiliates stand in and changes none (DESIGN)."""
    if not Scope.for_user(user).edits_area_data:
        raise DirectoryError(_("园区和乡镇资料由所在县区、地市工会或区总工会维护。"), "area")
    if not Area.objects.editable_by(user).filter(pk=area.pk).exists():
        raise DirectoryError(_("地区“%(code)s”不在您的管辖范围内。") % {"code": area.code}, "area")


def check_counts(employees: int, migrant_workers: int) -> None:
    if migrant_workers > employees:
        raise DirectoryError(
            _("农牧民工人数（%(migrant_workers)s）不能大于职工人数（%(employees)s）。")
            % {"migrant_workers": migrant_workers, "employees": employees},
            "migrant_workers",
        )


def check_dates(start: dt.date | None, end: dt.date | None, start_label: str, end_field: str) -> None:
    if start and end and end < start:
        raise DirectoryError(
            _("结束日期不能早于%(start_label)s（%(start)s）。")
            % {"start_label": start_label, "start": format(start, "%Y-%m-%d")},
            end_field,
        )


def check_not_future(day: dt.date | None, label: str, field: str) -> None:
    if day and day > timezone.localdate():
        raise DirectoryError(
            _("%(label)s（%(day)s）晚于今天。") % {"label": label, "day": format(day, "%Y-%m-%d")}, field
        )


def check_covers(user: User, kind: str, covers: Iterable[Enterprise]) -> list[Enterprise]:
    covers = list({e.pk: e for e in covers}.values())
    visible = set(
        Enterprise.objects.visible_to(user).filter(pk__in=[e.pk for e in covers]).values_list("pk", flat=True)
    )
    outside = [e.credit_code for e in covers if e.pk not in visible]
    if outside:
        raise DirectoryError(
            _("覆盖单位不在您的管辖范围内：%(names)s。") % {"names": "、".join(outside)}, "covers"
        )
    if kind == UnionKind.GRASSROOTS and len(covers) > 1:
        raise DirectoryError(
            _("基层工会只覆盖本单位一家；覆盖多家请选择“联合基层工会”或“项目工会联合会”。"), "covers"
        )
    return covers


def check_parent(user: User, union: Union | None, parent: Union | None) -> None:
    if parent is None:
        return
    if not Union.objects.visible_to(user).filter(pk=parent.pk).exists():
        raise DirectoryError(_("上级工会“%(name)s”不在您的管辖范围内。") % {"name": parent.name}, "parent")
    ancestor, seen = parent, set()
    while ancestor is not None and ancestor.pk not in seen:
        if union is not None and ancestor.pk == union.pk:
            raise DirectoryError(_("上级工会不能是本工会或其下级工会。"), "parent")
        seen.add(ancestor.pk)
        ancestor = ancestor.parent


def next_union_codes(area_code: str, count: int) -> list[str]:
    """Fresh union codes "<county code>-NNNNN", numbered on from the county's highest."""
    county = area_code[:6]
    highest = Union.objects.filter(code__regex=rf"^{county}-\d{{5}}$").aggregate(m=Max("code"))["m"]
    start = int(highest.rsplit("-", 1)[1]) + 1 if highest else 1
    return [f"{county}-{n:05d}" for n in range(start, start + count)]


def _full_clean(obj, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DirectoryError("；".join(messages), None if field == "__all__" else field) from None


def _changes(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: str(value) if value is not None else None for name, value in fields.items()}


# Enterprises.


@refreshes
@transaction.atomic
def enterprise_create(*, user: User, **fields: Any) -> Enterprise:
    require(user, Perm.EDIT_DIRECTORY)
    enterprise = Enterprise(**fields)
    enterprise.federation_affiliate = user.role == Role.FEDERATION or fields.get(
        "federation_affiliate", False
    )
    _check_enterprise(user, enterprise)
    _full_clean(enterprise)
    enterprise.save()
    audit.record(user=user, action=AuditAction.CREATE, obj=enterprise, changes=_changes(fields))
    return enterprise


@refreshes
@transaction.atomic
def enterprise_update(*, user: User, enterprise: Enterprise, seen_version: int, **fields: Any) -> Enterprise:
    """Raises locking.EditConflict when someone saved the enterprise since seen_version."""
    require(user, Perm.EDIT_DIRECTORY)
    before = audit.snapshot(enterprise, fields)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    _check_enterprise(user, enterprise)
    _full_clean(enterprise, exclude=["credit_code"] if "credit_code" not in fields else None)
    save_with_version(enterprise, seen_version, list(fields))
    audit.record(
        user=user,
        action=AuditAction.UPDATE,
        obj=enterprise,
        changes=audit.diff(_changes(before), _changes(fields)),
    )
    return enterprise


def _check_enterprise(user: User, enterprise: Enterprise) -> None:
    try:
        enterprise.credit_code = normalize_credit_code(enterprise.credit_code)
    except CreditCodeError as error:
        raise DirectoryError(_("统一社会信用代码%(error)s。") % {"error": error}, "credit_code") from None
    check_area(user, enterprise.area)
    check_counts(enterprise.employees, enterprise.migrant_workers)
    check_not_future(enterprise.registered_on, _("注册日期"), "registered_on")
    check_dates(enterprise.registered_on, enterprise.closed_on, _("注册日期"), "closed_on")
    if enterprise.park is not None and not enterprise.area.code.startswith(enterprise.park.area.prefix):
        raise DirectoryError(_("园区“%(name)s”不在该单位所在地区。") % {"name": enterprise.park.name}, "park")
    taken = Enterprise.objects.filter(credit_code=enterprise.credit_code).exclude(pk=enterprise.pk)
    if taken.exists():
        raise DirectoryError(
            _("统一社会信用代码 %(credit_code)s 已登记。") % {"credit_code": enterprise.credit_code},
            "credit_code",
        )


# Unions and their coverage.


@refreshes
@transaction.atomic
def union_create(
    *, user: User, covers: Iterable[Enterprise] = (), covers_from: dt.date | None = None, **fields: Any
) -> Union:
    require(user, Perm.EDIT_DIRECTORY)
    union = Union(**fields)
    union.federation_affiliate = user.role == Role.FEDERATION or fields.get("federation_affiliate", False)
    if not union.code:
        union.code = next_union_codes(union.area.code, 1)[0]
    covers = _check_union(user, union, covers)
    _full_clean(union)
    union.save()
    start = covers_from or union.founded_on
    Coverage.objects.bulk_create(Coverage(union=union, enterprise=e, started_on=start) for e in covers)
    changes = _changes(fields) | {"covers": [e.credit_code for e in covers]}
    audit.record(user=user, action=AuditAction.CREATE, obj=union, changes=changes)
    return union


@refreshes
@transaction.atomic
def union_update(
    *,
    user: User,
    union: Union,
    seen_version: int,
    covers: Iterable[Enterprise] | None = None,
    covers_from: dt.date | None = None,
    **fields: Any,
) -> Union:
    """Change a union; when covers is given, coverage ends for enterprises left out and
    starts for new ones on covers_from (today by default): history is kept, not rewritten."""
    require(user, Perm.EDIT_DIRECTORY)
    before = audit.snapshot(union, fields)
    for name, value in fields.items():
        setattr(union, name, value)
    checked = _check_union(user, union, covers if covers is not None else [])
    _full_clean(union, exclude=["code"] if "code" not in fields else None)
    save_with_version(union, seen_version, list(fields))
    changes = audit.diff(_changes(before), _changes(fields))
    if covers is not None:
        changes |= _set_coverage(union, checked, covers_from or timezone.localdate())
    audit.record(user=user, action=AuditAction.UPDATE, obj=union, changes=changes)
    return union


def _check_union(user: User, union: Union, covers: Iterable[Enterprise]) -> list[Enterprise]:
    check_area(user, union.area)
    check_not_future(union.founded_on, _("成立日期"), "founded_on")
    check_dates(union.founded_on, union.dissolved_on, _("成立日期"), "dissolved_on")
    if union.park is not None and not union.area.code.startswith(union.park.area.prefix):
        raise DirectoryError(_("园区“%(name)s”不在该工会所在地区。") % {"name": union.park.name}, "park")
    if union.kind == UnionKind.PARK and union.park is None:
        raise DirectoryError(_("园区工会须选择所属园区。"), "park")
    if union.kind == UnionKind.COMMUNITY and union.area.level != AreaLevel.VILLAGE:
        raise DirectoryError(_("社区工会的所在地区应为社区或村（12位代码）。"), "area")
    if union.kind == UnionKind.TOWNSHIP and union.area.level != AreaLevel.TOWNSHIP:
        raise DirectoryError(_("乡镇工会的所在地区应为乡镇（街道）（9位代码）。"), "area")
    check_parent(user, union if union.pk else None, union.parent)
    if Union.objects.filter(code=union.code).exclude(pk=union.pk).exists():
        raise DirectoryError(_("工会编号 %(code)s 已被使用。") % {"code": union.code}, "code")
    return check_covers(user, union.kind, covers)


def _set_coverage(union: Union, covers: list[Enterprise], on: dt.date) -> dict[str, list[str]]:
    wanted = {e.pk: e for e in covers}
    open_coverages = list(union.coverages.filter(ended_on__isnull=True).select_related("enterprise"))
    ended = [c for c in open_coverages if c.enterprise_id not in wanted]
    for coverage in ended:
        coverage.ended_on = max(on, coverage.started_on)
    Coverage.objects.bulk_update(ended, ["ended_on"])
    kept = {c.enterprise_id for c in open_coverages}
    added = [e for pk, e in wanted.items() if pk not in kept]
    start = max(on, union.founded_on)
    Coverage.objects.bulk_create(Coverage(union=union, enterprise=e, started_on=start) for e in added)
    changes = {}
    if ended:
        changes["covers_ended"] = [c.enterprise.credit_code for c in ended]
    if added:
        changes["covers_added"] = [e.credit_code for e in added]
    return changes


# Parks and the eight haves.


@refreshes
@transaction.atomic
def park_create(*, user: User, **fields: Any) -> Park:
    require(user, Perm.EDIT_DIRECTORY)
    park = Park(**fields)
    check_area(user, park.area)
    check_area_data(user, park.area)
    _full_clean(park)
    park.save()
    audit.record(user=user, action=AuditAction.CREATE, obj=park, changes=_changes(fields))
    return park


@refreshes
@transaction.atomic
def park_update(*, user: User, park: Park, seen_version: int, **fields: Any) -> Park:
    require(user, Perm.EDIT_DIRECTORY)
    if not Park.objects.editable_by(user).filter(pk=park.pk).exists():
        raise DirectoryError(_("园区和乡镇资料由所在县区、地市工会或区总工会维护。"))
    before = audit.snapshot(park, fields)
    for name, value in fields.items():
        setattr(park, name, value)
    check_area(user, park.area)
    check_area_data(user, park.area)
    _full_clean(park)
    save_with_version(park, seen_version, list(fields))
    audit.record(
        user=user, action=AuditAction.UPDATE, obj=park, changes=audit.diff(_changes(before), _changes(fields))
    )
    return park


@refreshes
@transaction.atomic
def eight_haves_confirm(
    *, user: User, township: Area, checked_on: dt.date, haves: dict[str, bool]
) -> EightHavesCheck:
    """Record the township union's eight haves as found on checked_on (one check a day;
    confirming again the same day replaces that day's answers)."""
    require(user, Perm.EDIT_DIRECTORY)
    if township.level != AreaLevel.TOWNSHIP:
        raise DirectoryError(_("“八有”只针对乡镇（街道）工会。"))
    if not Scope.for_user(user).edits_area_data:
        # Townships belong to the area unions' chain; the federation works with its affiliates.
        raise DirectoryError(_("乡镇工会“八有”由所在县区、地市工会或区总工会确认。"))
    check_area(user, township)
    check_area_data(user, township)
    check_not_future(checked_on, _("确认日期"), "checked_on")
    values = {item.value: bool(haves.get(item.value, False)) for item in EightHaves}
    check, created = EightHavesCheck.objects.update_or_create(
        township=township, checked_on=checked_on, defaults={**values, "checked_by": user}
    )
    audit.record(
        user=user,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=check,
        changes={"checked_on": str(checked_on), "missing": check.missing()},
    )
    return check
