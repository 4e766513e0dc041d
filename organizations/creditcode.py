"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

Eighteen characters from a 31-symbol alphabet (no I, O, S, V, Z); the last is a
check character computed from the first seventeen with fixed weights, mod 31.
"""

from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


class CreditCodeError(ValueError):
    """A code that is not a valid unified social credit code; the message says why."""


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    """Return the code upper-cased without spaces, or raise CreditCodeError."""
    code = "".join(str(raw).split()).upper()
    # Full-width letters and digits, as some input methods produce them.
    code = code.translate({cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF5B)})
    if len(code) != 18:
        raise CreditCodeError(_("应为18位，实际%(length)s位") % {"length": len(code)})
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        raise CreditCodeError(_("含有不允许的字符：%(characters)s") % {"characters": "".join(bad)})
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            _("校验位错误：第18位应为 %(expected)s，实际为 %(actual)s")
            % {"expected": expected, "actual": code[17]}
        )
    return code


def make_credit_code(first17: str) -> str:
    """Complete seventeen characters with their check character (demo data, tests)."""
    return first17 + check_character(first17)
