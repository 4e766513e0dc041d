"""A throwaway admin site that can edit every column of a progress report and an acceptance.

The project's admin does not register ProgressReport or Acceptance at all.
These tests register them here, with every editable column on the form, to
show that even an admin user who could edit them (a future registration, a
superuser's custom admin) cannot change a frozen row: the database refuses.
Mounted beside the project's own URLs (the second-factor middleware reverses
them) with `@pytest.mark.urls("tests.security.frozen_admin")`.
"""

import json

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import path
from django.utils import timezone

from reports.models import Acceptance, ProgressReport
from unionapp.urls import urlpatterns as project_urlpatterns

site = admin.AdminSite(name="frozen_admin")


class EveryColumnAdmin(admin.ModelAdmin):
    # Plain text inputs so a test can post a stored datetime back unchanged (seconds and all).
    formfield_overrides = {
        models.DateTimeField: {"form_class": forms.DateTimeField, "widget": forms.DateTimeInput}
    }


site.register(ProgressReport, EveryColumnAdmin)
site.register(Acceptance, EveryColumnAdmin)

urlpatterns = [path("frozen-admin/", site.urls), *project_urlpatterns]


def form_data(obj: models.Model, **changes) -> dict[str, str]:
    """What the admin's change form posts for obj as stored, with changes (by attname) applied."""
    data = {}
    for field in type(obj)._meta.concrete_fields:
        if not field.editable or field.primary_key or isinstance(field, models.FileField):
            continue
        value = changes.get(field.attname, getattr(obj, field.attname))
        if isinstance(field, models.BooleanField):
            if value:
                data[field.name] = "on"
        elif value is None:
            data[field.name] = ""
        elif isinstance(field, models.JSONField):
            data[field.name] = json.dumps(value, ensure_ascii=False)
        elif isinstance(field, models.DateTimeField):
            data[field.name] = timezone.localtime(value).isoformat(sep=" ")
        else:
            data[field.name] = str(value)
    return data


def change_url(obj: models.Model) -> str:
    opts = obj._meta
    return f"/frozen-admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"


def delete_url(obj: models.Model) -> str:
    opts = obj._meta
    return f"/frozen-admin/{opts.app_label}/{opts.model_name}/{obj.pk}/delete/"
