"""Telling users about events: `notify` writes each user's notification once and hands the new
ones to the channels after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from notifications.channels import channels
from notifications.models import Notification


def notify(users: Iterable, *, kind: str, key: str, title: str, body: str = "", url: str = "") -> int:
    """Notify each user once per key (a second call with the same key adds nothing); returns how
    many were new. Delivery by the other channels happens once the transaction commits."""
    users = [user for user in users if user.is_active]
    existing = set(Notification.objects.filter(user__in=users, key=key).values_list("user_id", flat=True))
    new = [
        Notification(user=user, kind=kind, key=key, title=title, body=body, url=url)
        for user in users
        if user.pk not in existing
    ]
    # ignore_conflicts: a concurrent run that notified the same user first wins, and ours adds nothing.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        keys = [(n.user_id, n.key) for n in new]
        transaction.on_commit(lambda: deliver_pending(keys))
    return len(new)


def deliver_pending(keys: list[tuple[int, str]]) -> None:
    users = {user_id for user_id, _key in keys}
    wanted = set(keys)
    pending = [
        n
        for n in Notification.objects.filter(user_id__in=users, emailed_at__isnull=True).select_related(
            "user"
        )
        if (n.user_id, n.key) in wanted
    ]
    for channel in channels():
        channel.deliver(pending)
