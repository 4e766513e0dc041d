"""Resident identity numbers (公民身份号码, GB 11643-1999).

Eighteen characters: a six-digit area code, the birth date as YYYYMMDD, a
three-digit sequence whose parity gives the sex (odd: male), and a check
character (0-9 or X) computed mod 11 from the first seventeen.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
EARLIEST_BIRTH = dt.date(1900, 1, 1)
# Full-width digits and letters (１２３…Ｘ), as some input methods type them.
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF5B)}


class IdNumberError(ValueError):
    """Not a valid ID number; the message tells a clerk what is wrong."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    sex: str  # "M" or "F"

    @property
    def masked(self) -> str:
        return mask_id_number(self.value)


def check_character(first17: str) -> str:
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """Normalise and validate; raise IdNumberError with a readable reason."""
    value = "".join(str(raw).split()).translate(_FULL_WIDTH).upper()
    if len(value) == 15 and value.isdigit():
        raise IdNumberError(_("这是15位旧身份证号，请填写18位身份证号"))
    if len(value) != 18:
        raise IdNumberError(_("身份证号应为18位，实际%(length)s位") % {"length": len(value)})
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdNumberError(_("身份证号前17位须为数字，末位为数字或X"))
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(_("身份证号中的出生日期 %(digits)s 不存在") % {"digits": value[6:14]}) from None
    today = today or dt.date.today()
    if birth > today:
        raise IdNumberError(
            _("身份证号中的出生日期 %(birth)s 晚于今天") % {"birth": format(birth, "%Y-%m-%d")}
        )
    if birth < EARLIEST_BIRTH:
        raise IdNumberError(_("身份证号中的出生日期 %(birth)s 不合理") % {"birth": format(birth, "%Y-%m-%d")})
    expected = check_character(value[:17])
    if value[17] != expected:
        raise IdNumberError(_("身份证号校验位错误：末位应为 %(expected)s") % {"expected": expected})
    return IdNumber(value=value, birth_date=birth, sex="M" if int(value[16]) % 2 else "F")


def mask_id_number(value: str) -> str:
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def make_id_number(area: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (demo data and tests): area code, birth date, 3-digit sequence."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
