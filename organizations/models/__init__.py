from organizations.models.areas import Area, AreaLevel
from organizations.models.audit import AuditAction, AuditEntry
from organizations.models.directory import (
    Coverage,
    EightHavesCheck,
    Enterprise,
    Ownership,
    Park,
    Sector,
    Union,
    UnionKind,
)
from organizations.models.jobs import DownloadJob, DownloadStatus, JobRun
from organizations.models.login_throttle import LoginThrottle
from organizations.models.users import Role, User

__all__ = [
    "Area",
    "AreaLevel",
    "AuditAction",
    "AuditEntry",
    "Coverage",
    "DownloadJob",
    "DownloadStatus",
    "EightHavesCheck",
    "Enterprise",
    "JobRun",
    "LoginThrottle",
    "Ownership",
    "Park",
    "Role",
    "Sector",
    "Union",
    "UnionKind",
    "User",
]
