"""Accounts: signing in (throttled), the landing page and the TOTP second factor."""

from organizations.accounts.views import LoginView, home

__all__ = ["LoginView", "home"]
