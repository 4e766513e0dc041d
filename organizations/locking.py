"""Optimistic locking for edit forms.

Editable models carry a `version` integer. A form renders the version it
showed the user; the service saves with `save_with_version`, which updates
the row only if its version is still the one the user saw. Otherwise the
second writer gets EditConflict and the form is shown again with their input
intact and the other person's change named, so nothing is lost silently.
"""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _


class EditConflict(Exception):
    def __init__(self, obj: models.Model):
        self.obj = obj
        super().__init__(_("该记录已被他人修改，请核对最新内容后再保存。"))


def save_with_version(obj: models.Model, seen_version: int, fields: list[str]) -> None:
    """Write fields of obj if the stored version is still seen_version; bump it."""
    manager = type(obj)._default_manager
    updated = manager.filter(pk=obj.pk, version=seen_version).update(
        **{name: getattr(obj, name) for name in fields}, version=F("version") + 1
    )
    if updated == 0:
        raise EditConflict(obj)
    obj.version = seen_version + 1
