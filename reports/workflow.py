"""The progress report's states and who may move them, in one place.

    draft ──submit──▶ submitted ──accept──▶ accepted ──correct──▶ (new version: draft)
                          │  ▲
                   return │  │ resubmit
                          ▼  │
                        returned

Who acts is the report's side of the chain (reports.units):
- the author: the unit's own staff (a county clerk, a prefecture clerk, federation staff);
- the reviewer: for a county's report, its prefecture's staff; for a prefecture's or the
  federation's, HQ.
Returning needs a reason; a comment is a reviewer's or author's note that moves nothing.
A correction of a county's accepted report reopens the chain above it only: the
prefecture's report for the period, if it is waiting for HQ, goes back to returned
("reopen", by the system), and an accepted one stands (accepted reports never change)
while the prefecture is told to correct it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from reports.models import ProgressReport, ReportAction, ReportStatus
from reports.units import Unit, may_review, may_submit_for

AUTHOR, REVIEWER, SYSTEM = "author", "reviewer", "system"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the report keeps its status (a comment), or a new version (correct)
    actor: str
    needs_reason: bool = False


TRANSITIONS = {
    t.action: t
    for t in [
        Transition(ReportAction.SUBMIT, frozenset({ReportStatus.DRAFT}), ReportStatus.SUBMITTED, AUTHOR),
        Transition(
            ReportAction.RESUBMIT, frozenset({ReportStatus.RETURNED}), ReportStatus.RESUBMITTED, AUTHOR
        ),
        Transition(
            ReportAction.RETURN,
            frozenset({ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED}),
            ReportStatus.RETURNED,
            REVIEWER,
            needs_reason=True,
        ),
        Transition(
            ReportAction.ACCEPT,
            frozenset({ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED}),
            ReportStatus.ACCEPTED,
            REVIEWER,
        ),
        Transition(ReportAction.CORRECT, frozenset({ReportStatus.ACCEPTED}), None, AUTHOR),
        Transition(
            ReportAction.REOPEN,
            frozenset({ReportStatus.SUBMITTED, ReportStatus.RESUBMITTED}),
            ReportStatus.RETURNED,
            SYSTEM,
            needs_reason=True,
        ),
        Transition(ReportAction.COMMENT, frozenset(ReportStatus.values), None, REVIEWER, needs_reason=True),
    ]
}

REFUSALS = {
    AUTHOR: _("只有本单位的工作人员可以填报、报送和更正本单位的报告。"),
    REVIEWER: _("只有上一级（县区报告由所属地市工会，地市和区非公企业工会联合会报告由区总工会）可以审核。"),
    SYSTEM: _("该操作由系统在下级更正时自动进行。"),
}


def submit_action(report: ProgressReport) -> str:
    return ReportAction.RESUBMIT if report.status == ReportStatus.RETURNED else ReportAction.SUBMIT


def may_act(user, action: str, report: ProgressReport, unit: Unit) -> bool:
    """May user take action on report now (its status, their side of the chain)?"""
    transition = TRANSITIONS[action]
    if report.status not in transition.sources or not report.is_latest:
        return False
    if transition.actor == AUTHOR:
        return may_submit_for(user, unit)
    if transition.actor == REVIEWER:
        return may_review(user, unit) or (action == ReportAction.COMMENT and may_submit_for(user, unit))
    return False


def actions_for(user, report: ProgressReport, unit: Unit) -> set[str]:
    return {action for action in TRANSITIONS if may_act(user, action, report, unit)}
