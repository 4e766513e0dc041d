"""Recording the audit trail (organizations.models.AuditEntry).

Services call `record(...)` inside their transaction, so an entry exists if
and only if the change does. `diff(before, after, fields)` builds the change
dictionary. Values that look like an ID number or phone are masked here, so
no full personal number can reach the trail whatever a caller passes.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from organizations.models.audit import AuditAction, AuditEntry

_ID_LIKE = re.compile(r"\b(\d{4})\d{10}(\d{3}[\dXx])\b")
_PHONE_LIKE = re.compile(r"\b(1\d{2})\d{4}(\d{4})\b")


def scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _PHONE_LIKE.sub(r"\1****\2", _ID_LIKE.sub(r"\1**********\2", value))
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub(str(value))


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


__all__ = ["AuditAction", "diff", "record", "scrub", "snapshot"]
