"""Writes for members: each service is keyword-only, runs in one transaction,
records the audit trail, and refuses with a MemberError a clerk can read."""

from members.services.applications import application_approve, application_reject, application_submit
from members.services.enrolment import (
    MemberAlreadyActive,
    MemberError,
    PersonDetails,
    member_enrol,
    member_update,
    membership_end,
)
from members.services.transfers import transfer_accept, transfer_cancel, transfer_issue

__all__ = [
    "MemberAlreadyActive",
    "MemberError",
    "PersonDetails",
    "application_approve",
    "application_reject",
    "application_submit",
    "member_enrol",
    "member_update",
    "membership_end",
    "transfer_accept",
    "transfer_cancel",
    "transfer_issue",
]
