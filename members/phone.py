"""Mainland mobile numbers: eleven digits starting with 1, after dropping
spaces, dashes and a +86 / 0086 prefix."""

import re

from django.utils.translation import gettext as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_FULL_WIDTH_DIGITS = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}


class PhoneError(ValueError):
    pass


def normalize_phone(raw: str) -> str:
    value = re.sub(r"[\s\-()（）]", "", str(raw))
    value = value.translate(_FULL_WIDTH_DIGITS)
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if not _MOBILE.match(value):
        raise PhoneError(_("手机号应为11位大陆手机号码，以1开头"))
    return value


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) == 11 else "*" * len(value)
