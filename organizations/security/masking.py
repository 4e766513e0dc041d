"""Masking personal numbers in free text: resident ID numbers and mobile phones.

Used by the audit trail (organizations.audit.scrub) and by the logging filter
(organizations.security.log_scrub), so neither ever holds a full number. It
imports no models: logging is configured before Django loads the apps.
"""

import re
from typing import Any

# A run of 15 or more digits (an 18-digit ID, possibly ending in X, or an old
# 15-digit one; a longer run may hide one) and an ID written in groups.
# Lookarounds, not \b: Chinese characters are word characters, so
# "身份证号540102…" has no word boundary before the digits. \d also matches
# full-width digits, which some keyboards produce.
_ID_LIKE = re.compile(r"(?<!\d)\d{14,}[\dXx](?![\dXx])")
_GROUPED_ID_LIKE = re.compile(r"(?<!\d)(\d{4})\d{2}[-\s]\d{8}[-\s]\d{3}[\dXx](?![\dXx])")
# A mainland mobile number, with or without +86/0086 and separators.
_PHONE_LIKE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[-\s]?)?(1[3-9]\d)[-\s]?\d{4}[-\s]?(\d{4})(?!\d)")


def _mask_run(match: re.Match) -> str:
    run = match.group(0)
    return run[:4] + "*" * (len(run) - 8) + run[-4:]


def scrub_text(text: str) -> str:
    """Mask every ID-number-like and mobile-number-like run in text."""
    text = _GROUPED_ID_LIKE.sub(lambda m: m.group(1) + "**********" + m.group(0)[-4:], text)
    text = _ID_LIKE.sub(_mask_run, text)
    return _PHONE_LIKE.sub(r"\1****\2", text)


def scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [scrub(v) for v in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        # An ID without its X, or a phone, can arrive as a number (an Excel cell).
        masked = scrub_text(str(value))
        return value if masked == str(value) else masked
    return scrub(str(value))
