"""Transfer certificates: issue (sending side), print, accept by number (receiving
side, anywhere), cancel, and the public verify page the QR code opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members.forms import TransferAcceptForm, TransferIssueForm
from members.join_links import qr_data_uri, verify_code, verify_code_ok
from members.models import Member, Membership, Transfer
from members.services import MemberError, transfer_accept, transfer_cancel, transfer_issue
from members.services.transfers import normalize_number
from organizations.permissions import Perm, require
from organizations.scopes import get_editable_or_404, get_in_scope_or_404


@login_required
@require_http_methods(["GET", "POST"])
def membership_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_editable_or_404(
        Membership.objects.select_related("member", "union"), request.user, pk=pk
    )
    require(request.user, Perm.EDIT_MEMBERS)
    form = TransferIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfer_issue(
                user=request.user,
                membership=membership,
                issued_on=form.cleaned_data["issued_on"],
                note=form.cleaned_data["note"],
            )
        except MemberError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("已开具转会凭证 %(number)s，请打印交给会员。") % {"number": transfer.number}
            )
            return redirect("members:transfer_detail", pk=transfer.pk)
    return render(request, "members/transfer_issue.html", {"form": form, "membership": membership})


@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable certificate, with a QR code that opens the public verify page."""
    require(request.user, Perm.VIEW)
    transfer = get_in_scope_or_404(
        Transfer.objects.select_related("member", "from_membership__union", "to_membership__union"),
        request.user,
        pk=pk,
    )
    if request.method != "GET":  # after the scope check: another county's certificate is simply not found
        return HttpResponseNotAllowed(["GET"])
    verify_url = request.build_absolute_uri(
        reverse("join:transfer_verify", args=[transfer.number]) + f"?c={verify_code(transfer.number)}"
    )
    context = {
        "transfer": transfer,
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url),
        # Once the person has moved on, the sending side keeps the certificate, not their page.
        "member_here": Member.objects.visible_to(request.user).filter(pk=transfer.member_id).exists(),
    }
    return render(request, "members/transfer_certificate.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def transfer_accept_view(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_MEMBERS)
    initial = {"number": request.GET.get("number", "")}
    form = TransferAcceptForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfer_accept(
                user=request.user,
                number=form.cleaned_data["number"],
                union=form.cleaned_data["union"],
                employer=form.cleaned_data["employer"],
                accepted_on=form.cleaned_data["accepted_on"],
            )
        except MemberError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("已接收转入：%(name)s") % {"name": transfer.member.name})
            return redirect("members:member_detail", pk=transfer.member_id)
    return render(request, "members/transfer_accept.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def transfer_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    # An accepted certificate is history: the sending side reads it (403 here).
    transfer = get_editable_or_404(Transfer.objects.all(), request.user, pk=pk)
    require(request.user, Perm.EDIT_MEMBERS)
    if request.method == "POST":
        try:
            transfer_cancel(user=request.user, transfer=transfer)
        except MemberError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("凭证已撤销。"))
        return redirect("members:member_detail", pk=transfer.member_id)
    return render(request, "members/transfer_cancel.html", {"transfer": transfer})


@require_GET
def transfer_verify(request: HttpRequest, number: str) -> HttpResponse:
    """Public: is this certificate genuine? Number, status and union names only.
    The check code from the QR code is required, so numbers cannot be walked."""
    number = normalize_number(number)
    if not verify_code_ok(number, request.GET.get("c", "")):
        raise Http404
    transfer = (
        Transfer.objects.select_related("from_membership__union", "to_membership__union")
        .filter(number=number)
        .first()
    )
    if transfer is None:
        raise Http404
    return render(request, "members/transfer_verify.html", {"transfer": transfer})
