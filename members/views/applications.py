"""Join applications: the public form behind a union's join link, its poster, and the staff queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.forms import ApproveForm, JoinForm, RejectForm
from members.join_links import (
    allow_attempt,
    client_address,
    form_started_ok,
    form_started_token,
    join_token,
    qr_data_uri,
    union_for_token,
)
from members.models import ApplicationStatus, JoinApplication
from members.selectors import application_queue
from members.services import (
    MemberAlreadyActive,
    MemberError,
    application_approve,
    application_reject,
    application_submit,
)
from organizations.models import Union
from organizations.permissions import Perm, require
from organizations.scopes import get_in_scope_or_404
from organizations.views.common import paginate


@login_required
def union_join_poster(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW)
    union = get_in_scope_or_404(Union.objects.all(), request.user, pk=pk)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    url = request.build_absolute_uri(reverse("join:application_form", args=[join_token(union)]))
    return render(request, "members/join_poster.html", {"union": union, "url": url, "qr": qr_data_uri(url)})


@login_required
@require_GET
def union_join_poster_find(request: HttpRequest) -> HttpResponse:
    """The poster of a union named by its code or exact name, within the user's scope."""
    require(request.user, Perm.VIEW)
    text = request.GET.get("union", "").strip()
    union = Union.objects.visible_to(request.user).filter(Q(code=text) | Q(name=text)).order_by("pk").first()
    if union is None:
        messages.error(request, _("在您的管辖范围内没有编号或名称为“%(text)s”的工会。") % {"text": text})
        return redirect("members:applications")
    return redirect("members:union_join_poster", pk=union.pk)


@require_http_methods(["GET", "POST"])
def application_form(request: HttpRequest, token: str) -> HttpResponse:
    """Public and mobile-first. The answer never depends on who else is on record."""
    union = union_for_token(token)
    if union is None:
        raise Http404
    form = JoinForm(request.POST or None, initial={"started": form_started_token()})
    refused = ""
    throttled = False
    if request.method == "POST":
        if not allow_attempt(client_address(request)):
            throttled = True
            refused = _("提交过于频繁，请一小时后再试。")
        elif form.is_valid():
            data = form.cleaned_data
            if data["website"] or not form_started_ok(data["started"]):
                refused = _("提交未成功，请刷新页面后重新填写。")
            else:
                application_submit(
                    union=union,
                    name=data["name"].strip(),
                    id_number=data["id_number"],
                    phone=data["phone"],
                    employer_name=data["employer_name"].strip(),
                    ethnicity=data["ethnicity"],
                )
                return redirect("join:application_done", token=token)
        if refused:
            form = JoinForm(request.POST, initial={"started": form_started_token()})
            form.data = form.data.copy()
            form.data["started"] = form_started_token()
    # Decided by the throttle, not by the message's wording (which follows the language).
    status = 429 if throttled else 200
    return render(
        request, "members/join_form.html", {"union": union, "form": form, "refused": refused}, status=status
    )


@require_GET
def application_done(request: HttpRequest, token: str) -> HttpResponse:
    union = union_for_token(token)
    if union is None:
        raise Http404
    return render(request, "members/join_done.html", {"union": union})


@login_required
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_MEMBERS)
    status = request.GET.get("status", ApplicationStatus.PENDING)
    if status not in ApplicationStatus.values:
        status = ApplicationStatus.PENDING
    page = paginate(request, application_queue(request.user, status))
    context = {
        "page": page,
        "status": status,
        "statuses": ApplicationStatus.choices,
        "query": f"status={status}",
    }
    return render(request, "members/application_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_in_scope_or_404(JoinApplication.objects.select_related("union"), request.user, pk=pk)
    require(request.user, Perm.EDIT_MEMBERS)
    initial = {"employer": application.employer}
    approve = ApproveForm(
        request.POST if "approve" in request.POST else None, user=request.user, initial=initial
    )
    approve.fields["employer"].queryset = approve.fields["employer"].queryset.filter(unions=application.union)
    reject = RejectForm(request.POST if "reject" in request.POST else None)
    holder = None
    if request.method == "POST" and "approve" in request.POST and approve.is_valid():
        try:
            membership = application_approve(
                user=request.user, application=application, **approve.cleaned_data
            )
        except MemberAlreadyActive as error:
            holder = error.membership
            approve.add_error(None, error.message)
        except MemberError as error:
            approve.add_error(error.field if error.field in approve.fields else None, error.message)
        else:
            messages.success(request, _("已批准入会：%(name)s") % {"name": application.name})
            return redirect("members:member_detail", pk=membership.member_id)
    if request.method == "POST" and "reject" in request.POST and reject.is_valid():
        try:
            application_reject(
                user=request.user, application=application, reason=reject.cleaned_data["reason"]
            )
        except MemberError as error:
            reject.add_error("reason", error.message)
        else:
            messages.success(request, _("已驳回申请。"))
            return redirect("members:applications")
    context = {"application": application, "approve": approve, "reject": reject, "holder": holder}
    return render(request, "members/application_detail.html", context)
