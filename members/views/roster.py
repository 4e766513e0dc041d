"""The roster, a member's page and e-card, enrolment, edits and ending a membership."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.exporters import RosterExporter
from members.forms import EndForm, EnrolForm, MemberEditForm, RosterFilterForm
from members.models import Member, Membership
from members.selectors import former_memberships, member_history, roster
from members.services import (
    MemberAlreadyActive,
    MemberError,
    PersonDetails,
    member_enrol,
    member_update,
    membership_end,
)
from members.services.access import may_view_personal_data, personal_data_reveal
from organizations.export_jobs import export_or_queue
from organizations.locking import EditConflict
from organizations.permissions import Perm, has_perm, require
from organizations.scopes import get_editable_or_404, get_in_scope_or_404, visible_pks
from organizations.views.common import paginate, query_without_page


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    form = RosterFilterForm(request.GET, user=request.user)
    filters = form.filters()
    page = paginate(request, roster(request.user, filters))
    context = {
        "form": form,
        "page": page,
        "every_membership": filters.every_membership,
        # Rows of memberships that ended here name people who may lie elsewhere now.
        "members_here": visible_pks(Member.objects, request.user, [m.member_id for m in page]),
        "query": form.query(),
        "can_edit": has_perm(request.user, Perm.EDIT_MEMBERS),
        "can_import": has_perm(request.user, Perm.IMPORT) and has_perm(request.user, Perm.EDIT_MEMBERS),
        "can_export": has_perm(request.user, Perm.EXPORT),
    }
    return render(request, "members/member_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_export(request: HttpRequest) -> HttpResponse:
    """The roster under the list's filters (in the query string, for GET and POST alike):
    at once when small, otherwise as a background job (organizations.export_jobs)."""
    require(request.user, Perm.VIEW)
    form = RosterFilterForm(request.GET, user=request.user)
    exporter = RosterExporter(request.user, query=form.job_query())
    back = reverse("members:list") + (f"?{form.query()}" if form.query() else "")
    return export_or_queue(request, exporter, request.GET.get("format", "xlsx"), back_url=back)


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW)
    member = get_in_scope_or_404(Member.objects.all(), request.user, pk=pk)
    revealed = None
    if request.GET.get("reveal") and may_view_personal_data(request.user):
        revealed = personal_data_reveal(user=request.user, person=member)
    history = member_history(request.user, member)
    current = next((m for m in history["memberships"] if m.left_on is None), None)
    context = {
        "member": member,
        "revealed": revealed,
        "may_reveal": may_view_personal_data(request.user),
        "current": current,
        "open_transfer": next((t for t in history["transfers"] if t.status == "issued"), None),
        "can_edit": has_perm(request.user, Perm.EDIT_MEMBERS),
        **history,
    }
    return render(request, "members/member_detail.html", context)


@login_required
def member_card(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW)
    member = get_in_scope_or_404(Member.objects.all(), request.user, pk=pk)
    current = (
        Membership.objects.visible_to(request.user)
        .current()
        .filter(member=member)
        .select_related("union", "employer")
        .first()
    )
    if current is None:
        raise Http404
    return render(request, "members/member_card.html", {"member": member, "membership": current})


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_MEMBERS)
    form = EnrolForm(request.POST or None, user=request.user)
    holder = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = PersonDetails(
            id_number=data["id_number"],
            name=data["name"].strip(),
            ethnicity=data["ethnicity"],
            phone=data["phone"],
            hukou_place=data["hukou_place"].strip(),
            is_migrant=data["is_migrant"],
        )
        try:
            membership = member_enrol(
                user=request.user,
                person=person,
                union=data["union"],
                employer=data["employer"],
                joined_on=data["joined_on"],
                channel=data["channel"],
            )
        except MemberAlreadyActive as error:
            holder = error.membership
            form.add_error("id_number", error.message)
        except MemberError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已登记入会：%(name)s") % {"name": membership.member.name})
            return redirect("members:member_detail", pk=membership.member_id)
    return render(request, "members/member_form.html", {"form": form, "holder": holder})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_editable_or_404(Member.objects.all(), request.user, pk=pk)
    require(request.user, Perm.EDIT_MEMBERS)
    initial = {
        "name": member.name,
        "ethnicity": member.ethnicity,
        "hukou_place": member.hukou_place,
        "is_migrant": member.is_migrant,
        "phone": member.phone_masked,
        "version": member.version,
    }
    form = MemberEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The phone field shows the masked number; left as it is, the stored one stays.
        phone = member.reveal_phone() if request.POST.get("phone") == member.phone_masked else data["phone"]
        try:
            member_update(
                user=request.user,
                member=member,
                seen_version=data["version"],
                phone=phone,
                **{k: data[k] for k in ("name", "ethnicity", "hukou_place", "is_migrant")},
            )
        except EditConflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存。"))
            return redirect("members:member_detail", pk=member.pk)
    return render(request, "members/member_edit.html", {"form": form, "member": member})


@login_required
@require_http_methods(["GET", "POST"])
def membership_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    # An ended membership is history, read-only (403); another scope's is not found (404).
    membership = get_editable_or_404(
        Membership.objects.select_related("member", "union"), request.user, pk=pk
    )
    require(request.user, Perm.EDIT_MEMBERS)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership_end(
                user=request.user,
                membership=membership,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
            )
        except MemberError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("会籍已结束，历史记录已保留。"))
            return redirect("members:member_detail", pk=membership.member_id)
    context = {
        "form": form,
        "membership": membership,
        "back": reverse("members:member_detail", args=[membership.member_id]),
    }
    return render(request, "members/membership_end.html", context)


@login_required
def former_members(request: HttpRequest) -> HttpResponse:
    """The scope's ended memberships: its own history rows, read-only. A person who left
    for another county is named only as the row names them; their page is that county's."""
    require(request.user, Perm.VIEW)
    q = request.GET.get("q", "").strip()
    context = {
        "page": paginate(request, former_memberships(request.user, q=q)),
        "q": q,
        "query": query_without_page(request),
    }
    return render(request, "members/former_list.html", context)
