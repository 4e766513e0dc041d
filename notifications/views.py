"""A user's notifications: the list (newest first), opening one, marking all read, email on or off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.models import Notification, Preference
from organizations.views.common import paginate


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(user=request.user)
    preference = Preference.objects.filter(user=request.user).first()
    context = {
        "page": paginate(request, mine),
        "email_on": preference.email if preference else True,
        "has_email": bool(request.user.email),
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read and go where it points (only ever a path on this site)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user).unread().update(read_at=timezone.now())
    return redirect("notifications:list")


@login_required
@require_POST
def notification_email(request: HttpRequest) -> HttpResponse:
    on = request.POST.get("email") == "on"
    Preference.objects.update_or_create(user=request.user, defaults={"email": on})
    messages.success(request, _("已开启邮件通知。") if on else _("已关闭邮件通知，仍可在本页查看通知。"))
    return redirect("notifications:list")
