"""What each role may do, in one table (DESIGN: who uses it).

Scope says *where* a user may act (organizations.scopes); this says *what*.
Views ask `require(user, Perm.X)`, which answers 403 when the role lacks it.
"""

from django.core.exceptions import PermissionDenied
from django.db import models

from organizations.models.users import Role


class Perm(models.TextChoices):
    VIEW = "view"
    EDIT_DIRECTORY = "edit_directory"  # parks, enterprises, unions, eight haves
    EDIT_MEMBERS = "edit_members"  # members, memberships, transfers, applications
    IMPORT = "import"
    EXPORT = "export"
    # bimonthly reports (a prefecture also reviews its counties'), special reports
    SUBMIT_REPORTS = "submit_reports"
    MANAGE_DRIVE = "manage_drive"  # drives, targets, roll-ups, inspections, cases
    REVIEW_REPORTS = "review_reports"  # return, accept, finalise acceptance


_STAFF = {Perm.VIEW, Perm.EDIT_DIRECTORY, Perm.EDIT_MEMBERS, Perm.IMPORT, Perm.EXPORT}

ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.COUNTY: frozenset(_STAFF | {Perm.SUBMIT_REPORTS}),
    Role.PREFECTURE: frozenset(_STAFF | {Perm.SUBMIT_REPORTS}),
    Role.FEDERATION: frozenset(_STAFF | {Perm.SUBMIT_REPORTS}),
    Role.UNION: frozenset({Perm.VIEW, Perm.EDIT_MEMBERS, Perm.IMPORT, Perm.EXPORT}),
    Role.HQ: frozenset(_STAFF | {Perm.MANAGE_DRIVE, Perm.REVIEW_REPORTS}),
    Role.HQ_VIEWER: frozenset({Perm.VIEW, Perm.EXPORT}),
}


def has_perm(user, perm: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return perm in ROLE_PERMS.get(user.effective_role, frozenset())


def require(user, perm: str) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied
