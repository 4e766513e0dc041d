"""Failed-login counters, kept in the database (organizations.security.throttle)."""

from __future__ import annotations

from django.db import models


class LoginThrottle(models.Model):
    """Failures counted for one username or one client address, and the lock they caused.

    `key` is "user:<digest>" or "ip:<digest>" (a hash of the lower-cased username or the
    address), so any username is a safe key and one spelt in another case is the same account.
    """

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["window_started"], name="loginthrottle_window_idx")]

    def __str__(self) -> str:
        return self.key
