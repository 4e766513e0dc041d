"""Recording the audit trail (organizations.models.AuditEntry).

Services call `record(...)` inside their transaction, so an entry exists if
and only if the change does. `diff(before, after, fields)` builds the change
dictionary. Values that look like an ID number or phone are masked here, so
no full personal number can reach the trail whatever a caller passes.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from organizations.models.audit import AuditAction, AuditEntry
from organizations.security.masking import scrub, scrub_text


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(*, user, action: str, obj: models.Model | None = None, changes: dict | None = None) -> AuditEntry:
    entry = AuditEntry(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        changes=scrub(changes or {}),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = scrub(str(obj))[:200]
    entry.save()
    return entry


__all__ = ["AuditAction", "diff", "record", "scrub", "scrub_text", "snapshot"]
