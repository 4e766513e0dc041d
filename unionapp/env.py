"""Typed readers for settings taken from the environment.

Each helper refuses a value it cannot read instead of silently falling back,
so a typo in production configuration stops the process at start-up.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: str = "") -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def load_or_create_secret_key(path) -> str:
    """Read a per-installation secret key from path, creating it on first use.

    Used only when SECRET_KEY is not in the environment (the local demo);
    production settings require the variable.
    """
    from django.core.management.utils import get_random_secret_key

    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = get_random_secret_key()
        path.write_text(key)
        path.chmod(0o600)
        return key
