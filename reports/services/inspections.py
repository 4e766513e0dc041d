"""Inspections (调研督查): HQ records a visit and the problems found; follow-ups are tracked."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from drives.models import Drive
from organizations import audit
from organizations.models import AuditAction, User
from organizations.permissions import Perm, require
from reports.models import FollowUp, Inspection, InspectionProblem
from reports.services import ReportError
from reports.units import Unit, may_submit_for


def inspection_record(
    *, user: User, drive: Drive, unit: Unit, visited_on: dt.date, team: str, units_visited: str, findings: str
) -> Inspection:
    require(user, Perm.MANAGE_DRIVE)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            drive=drive,
            unit_key=unit.key,
            area=unit.area,
            is_federation=unit.is_federation,
            visited_on=visited_on,
            team=team.strip(),
            units_visited=units_visited.strip(),
            findings=findings.strip(),
            created_by=user,
        )
        audit.record(
            user=user, action=AuditAction.CREATE, obj=inspection, changes={"visited_on": str(visited_on)}
        )
    return inspection


def problem_add(
    *, user: User, inspection: Inspection, description: str, responsible: str, deadline: dt.date
) -> InspectionProblem:
    require(user, Perm.MANAGE_DRIVE)
    if deadline < inspection.visited_on:
        raise ReportError(_("整改期限不能早于督查日期。"), field="deadline")
    with transaction.atomic():
        problem = InspectionProblem.objects.create(
            inspection=inspection,
            description=description.strip(),
            responsible=responsible.strip(),
            deadline=deadline,
        )
        audit.record(user=user, action=AuditAction.CREATE, obj=problem, changes={"deadline": str(deadline)})
    return problem


def problem_follow_up(
    *, user: User, problem_id: int, unit: Unit, status: str, follow_up: str, resolved_on: dt.date | None
) -> InspectionProblem:
    """HQ, or the inspected unit's own staff, record how a problem is being put right."""
    from organizations.permissions import has_perm

    if not (has_perm(user, Perm.MANAGE_DRIVE) or may_submit_for(user, unit)):
        raise ReportError(_("只有区总工会或被督查单位可以填写整改情况。"))
    if status == FollowUp.RESOLVED and resolved_on is None:
        raise ReportError(_("已整改的问题请填写整改完成日期。"), field="resolved_on")
    with transaction.atomic():
        problem = InspectionProblem.objects.select_for_update().get(pk=problem_id)
        problem.status = status
        problem.follow_up = follow_up.strip()
        problem.resolved_on = resolved_on if status == FollowUp.RESOLVED else None
        problem.save()
        audit.record(user=user, action=AuditAction.UPDATE, obj=problem, changes={"status": status})
    return problem
