"""Where a notification goes besides the in-app list: channels, chosen in settings.

settings.NOTIFICATION_CHANNELS lists dotted paths of Channel classes (email by
default). A channel for SMS or WeCom implements `deliver(notifications)` the
same way and is added to the setting; nothing else changes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from notifications.models import Notification, Preference

logger = logging.getLogger(__name__)


class Channel:
    def deliver(self, notifications: Iterable[Notification]) -> None:
        raise NotImplementedError  # pragma: no cover - an interface


class EmailChannel(Channel):
    """Django's email framework (SMTP settings from the environment): one mail per notification,
    to users with an address who have not turned email off, over one connection."""

    def deliver(self, notifications: Iterable[Notification]) -> None:
        notifications = [n for n in notifications if n.user.email and n.emailed_at is None]
        if not notifications:
            return
        opted_out = set(
            Preference.objects.filter(user__in=[n.user_id for n in notifications], email=False).values_list(
                "user_id", flat=True
            )
        )
        site = getattr(settings, "SITE_URL", "").rstrip("/")
        messages = []
        for notification in notifications:
            if notification.user_id in opted_out:
                continue
            body = notification.body
            if notification.url:
                body += f"\n\n{site}{notification.url}"
            message = EmailMessage(notification.title, body, to=[notification.user.email])
            message.notification = notification
            messages.append(message)
        if not messages:
            return
        sent = []
        try:
            with get_connection() as connection:
                for message in messages:
                    connection.send_messages([message])
                    sent.append(message.notification.pk)
        except OSError:
            # The mail server is down: what was not sent stays unsent (emailed_at empty) and
            # the next run of the reminder job, or the next event, tries again.
            logger.warning("Could not send %s notification mails", len(messages) - len(sent), exc_info=True)
        Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())


def channels() -> list[Channel]:
    paths = getattr(settings, "NOTIFICATION_CHANNELS", ["notifications.channels.EmailChannel"])
    return [import_string(path)() for path in paths]
