"""Administrative division codes (GB/T 2260 and the statistical codes below).

A six-digit code drops its trailing zero pairs to select its subtree: 540000
selects 54…, 540100 selects 5401…, 540102 selects 540102…. Nine- and
twelve-digit statistical codes select themselves.
"""

import re

_CODE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")


def is_valid_code(code: str) -> bool:
    return bool(_CODE.match(code))


def code_prefix(code: str) -> str:
    if len(code) != 6:
        return code
    prefix = code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return prefix


def parent_code(code: str) -> str | None:
    """The code of the division directly above, by the structure of the code."""
    if len(code) == 12:
        return code[:9]
    if len(code) == 9:
        return code[:6]
    if code.endswith("0000"):
        return None
    if code.endswith("00"):
        return code[:2] + "0000"
    return code[:4] + "00"


def ancestor_codes(code: str) -> list[str]:
    """Codes above code, nearest first."""
    found = []
    current = parent_code(code)
    while current is not None:
        found.append(current)
        current = parent_code(current)
    return found


def lineage_expressions(column: str) -> list:
    """SQL twins of [code, *ancestor_codes(code)] for a column holding county, township or
    village codes (where records are placed): the code itself, its township, its county,
    its prefecture and the region. A county's code repeats itself for the township."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Left

    return [
        F(column),
        Left(column, 9),
        Left(column, 6),
        Concat(Left(column, 4), Value("00")),
        Concat(Left(column, 2), Value("0000")),
    ]
