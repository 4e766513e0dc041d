"""Browser imports in three visible steps, for any Importer: upload → preview → confirm.

1. upload: the clerk picks a file (size-capped); it is kept as a stashed
   upload (tabular.uploads) owned by them.
2. preview: the importer runs with dry_run, listing every problem by row and
   column; nothing is saved. A clean file offers "confirm".
3. confirm: the importer runs again on the same file (the database may have
   moved on since the preview) and saves every row or none.

An app wires its own import by building an ImportViews and including its urls:

    member_import = ImportViews(
        importer_class=MemberImporter, name="member_import", done_url="members:list"
    )
    urlpatterns = [..., *member_import.urls("import/")]

which names the routes member_import, member_import_template,
member_import_preview and member_import_confirm in the including namespace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organizations.permissions import Perm, require
from organizations.tabular.exporter import content_disposition
from organizations.tabular.importer import Importer, ImportResult
from organizations.tabular.uploads import discard, retrieve, stash
from organizations.tabular.writing import XLSX_CONTENT_TYPE


class UploadForm(forms.Form):
    file = forms.FileField(label=_("选择文件（.xlsx 或 .csv）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（%(size)s MB），上限为 %(limit)s MB，请拆分后再上传。")
                % {"size": upload.size // 1024 // 1024, "limit": limit // 1024 // 1024}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的。"))
        return upload


@dataclass(frozen=True)
class ImportViews:
    importer_class: type[Importer]
    name: str  # the url name stem, e.g. "enterprise_import"
    done_url: str  # where a saved import lands ("namespace:name")
    perms: tuple[str, ...] = (Perm.IMPORT,)
    # Builds the importer for a request, when it needs more than the user.
    make_importer: Callable[[HttpRequest], Importer] | None = None

    def urls(self, route: str) -> list[URLPattern]:
        get_or_post = require_http_methods(["GET", "POST"])
        return [
            path(route, login_required(get_or_post(self.upload)), name=self.name),
            path(
                f"{route}template/", login_required(require_GET(self.template)), name=f"{self.name}_template"
            ),
            path(
                f"{route}<str:token>/", login_required(require_GET(self.preview)), name=f"{self.name}_preview"
            ),
            path(
                f"{route}<str:token>/confirm/",
                login_required(require_POST(self.confirm)),
                name=f"{self.name}_confirm",
            ),
        ]

    # The views.

    def upload(self, request: HttpRequest) -> HttpResponse:
        return _upload(self, request)

    def template(self, request: HttpRequest) -> HttpResponse:
        return _template(self, request)

    def preview(self, request: HttpRequest, token: str) -> HttpResponse:
        return _preview(self, request, token)

    def confirm(self, request: HttpRequest, token: str) -> HttpResponse:
        return _confirm(self, request, token)

    # Helpers.

    def importer(self, request: HttpRequest) -> Importer:
        for perm in self.perms:
            require(request.user, perm)
        if self.make_importer is not None:
            return self.make_importer(request)
        return self.importer_class(request.user)

    def url(self, request: HttpRequest, suffix: str = "", **kwargs) -> str:
        namespace = request.resolver_match.namespace if request.resolver_match else ""
        name = f"{self.name}{suffix}"
        return reverse(f"{namespace}:{name}" if namespace else name, kwargs=kwargs or None)

    def context(self, request: HttpRequest, importer: Importer, **extra) -> dict:
        return {
            "title": importer.title,
            "notes": importer.notes,
            "headers": [(f.header, f.key, f.required) for f in importer.fields],
            "upload_url": self.url(request),
            "template_url": self.url(request, "_template"),
            "done_url": reverse(self.done_url),
            **extra,
        }


def _upload(views: ImportViews, request: HttpRequest) -> HttpResponse:
    importer = views.importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        stashed = stash(form.cleaned_data["file"], user=request.user, importer_name=importer.name)
        return redirect(views.url(request, "_preview", token=stashed.token))
    return render(request, "organizations/import_upload.html", views.context(request, importer, form=form))


def _template(views: ImportViews, request: HttpRequest) -> HttpResponse:
    importer = views.importer(request)
    response = HttpResponse(importer.template(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"{importer.title}导入模板.xlsx", f"{importer.name}-template.xlsx"
    )
    return response


def _preview(views: ImportViews, request: HttpRequest, token: str) -> HttpResponse:
    importer = views.importer(request)
    stashed = retrieve(token, user=request.user, importer_name=importer.name)
    with stashed.open() as handle:
        result = importer.run(handle, dry_run=True)
    return _render_result(views, request, importer, stashed, result)


def _confirm(views: ImportViews, request: HttpRequest, token: str) -> HttpResponse:
    importer = views.importer(request)
    stashed = retrieve(token, user=request.user, importer_name=importer.name)
    with stashed.open() as handle:
        result = importer.run(handle)
    if not result.ok:
        # Something changed since the preview (another clerk saved the same codes): show why.
        return _render_result(views, request, importer, stashed, result)
    discard(stashed)
    counts = {"total": result.total, "saved": result.saved}
    messages.success(request, _("导入成功：共 %(total)s 行，已保存 %(saved)s 条。") % counts)
    return redirect(views.done_url)


def _render_result(views, request, importer, stashed, result: ImportResult) -> HttpResponse:
    context = views.context(
        request,
        importer,
        result=result,
        filename=stashed.filename,
        errors_by_row=sorted(result.errors_by_row().items()),
        confirm_url=views.url(request, "_confirm", token=stashed.token),
    )
    return render(request, "organizations/import_preview.html", context)
