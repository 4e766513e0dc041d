"""The audit trail viewer: HQ reads who changed what, and when.

Only HQ staff (the hq role and superusers) see it; the HQ viewer role and
every other role get 403, because the trail names people and the records of
every county. Two pages: a filterable list of all entries, and the history of
one object at /audit/<app_label>.<model>/<pk>/.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from organizations.models import AuditAction, AuditEntry, Role

PAGE_SIZE = 50
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def require_auditor(user) -> None:
    if not (user.is_superuser or (user.is_active and user.role == Role.HQ)):
        raise PermissionDenied


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AuditAction.choices]
    )
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    model = forms.ChoiceField(label=_("对象类型"), required=False)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=40)
    since = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("截止日期"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        used = ContentType.objects.filter(
            pk__in=AuditEntry.objects.exclude(content_type=None).values("content_type")
        ).order_by("app_label", "model")
        self.fields["model"].choices = [("", _("全部"))] + [(str(ct.pk), _label(ct)) for ct in used]

    def clean_model(self) -> ContentType | None:
        value = self.cleaned_data["model"]
        return ContentType.objects.get(pk=value) if value else None

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["username"]:
            entries = entries.filter(user__username=data["username"].strip())
        if data["model"] is not None:
            entries = entries.filter(content_type=data["model"])
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"].strip())
        if data["since"]:
            entries = entries.filter(at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(at__date__lte=data["until"])
        return entries


def _label(content_type: ContentType) -> str:
    model = content_type.model_class()
    name = model._meta.verbose_name if model else content_type.model
    return f"{name}（{content_type.app_label}.{content_type.model}）"


def _entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("user", "content_type").order_by("-at", "-pk")


def _page(request: HttpRequest, entries: QuerySet[AuditEntry]):
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.change_rows = _change_rows(entry.changes)
    return page


def _change_rows(changes) -> list[tuple[str, str, str]]:
    """(field, before, after) for an update's {"field": [old, new]}; (key, "", value) otherwise."""
    if not isinstance(changes, dict):
        return [("", "", str(changes))]
    rows = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((key, _shown(value[0]), _shown(value[1])))
        else:
            rows.append((key, "", _shown(value)))
    return rows


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require_auditor(request.user)
    form = AuditFilterForm(request.GET or None)
    entries = _entries()
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": _page(request, entries), "query": query.urlencode()}
    return render(request, "audit/list.html", context)


@login_required
def audit_object(request: HttpRequest, label: str, pk: str) -> HttpResponse:
    require_auditor(request.user)
    app_label, _dot, model = label.partition(".")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        raise Http404 from None
    entries = _entries().filter(content_type=content_type, object_id=pk)
    page = _page(request, entries)
    latest = entries.first()
    context = {
        "page": page,
        "type_label": _label(content_type),
        "object_repr": latest.object_repr if latest else f"{label} #{pk}",
        "object_url": _object_url(content_type, pk),
        "query": "",
    }
    return render(request, "audit/object.html", context)


def _object_url(content_type: ContentType, pk: str) -> str:
    model = content_type.model_class()
    if model is None or not hasattr(model, "get_absolute_url"):
        return ""
    try:
        obj = model._default_manager.filter(pk=pk).first()
    except (ValueError, ValidationError):  # not a key of this model
        return ""
    return obj.get_absolute_url() if obj is not None else ""


app_name = "audit"
urlpatterns = [
    path("", audit_list, name="list"),
    path("<str:label>/<str:pk>/", audit_object, name="object"),
]
