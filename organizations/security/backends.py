"""The authentication backend: Django's ModelBackend behind the login throttle.

Throttling here, rather than only in the login view, covers every path that
authenticates a password: the login page, the admin's login and any future
API login.
"""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from organizations.security import throttle


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if password is None:
            return None  # not a password login; nothing to count
        username = username if username is not None else kwargs.get("username", "")
        ip = throttle.client_ip(request)
        if throttle.lockout_for(username, ip):
            # PermissionDenied stops authenticate() outright: the password is not tried.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.record_failure(username, ip)
        else:
            throttle.record_success(username)
        return user
