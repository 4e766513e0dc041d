"""What a person's name and the free-text fields may hold, wherever they enter.

One rule for the member forms, the public join form, the imports and the services
behind them (the API only reads):

- free text (an employer's or union's name, a household registration place) may not
  look like a spreadsheet formula: = or @ first, or + / - before a letter or a bracket.
  Such a cell runs when a clerk opens an export (`=HYPERLINK(...)`, `=cmd|...`);
  numbers such as "-5" and phones such as "+86…" are not caught. Control characters
  are refused too: no field needs them and a worksheet cannot hold them.
- a person's name must also begin with a letter (any script: Chinese, Tibetan, Latin)
  and hold only letters, combining marks, digits, single spaces, the dots and hyphens
  of transliterated names (扎西·多吉), apostrophes and brackets. The Tibetan block is
  allowed whole, since its syllable mark (tsheg) is punctuation to Unicode.

Each function returns the cleaned text or raises TextError with a message that names
what is wrong and how to fix it.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

_FORMULA_LIKE = re.compile(r"^[=@]|^[+\-]\s*[A-Za-z_(]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NAME_PUNCTUATION = set("·・•‧.-'’()（） ")
# The common case in one match (letters and digits of any script, less "_"); the
# character-by-character check below also lets combining marks through and names
# what it refuses. An import checks a million names.
_NAME_FAST = re.compile(r"(?:[^\W_]|[\u0f00-\u0fff·・•‧.\-'’()（） ])+")
_SPACES = re.compile(r"\s+")


class TextError(ValueError):
    """Text a field refuses; str(error) is the clerk's message."""


def clean_free_text(value: str) -> str:
    text = str(value).strip()
    if _CONTROL.search(text):
        raise TextError(_("含有不可见的控制字符，请删除后重新填写"))
    if _FORMULA_LIKE.match(text):
        raise TextError(_("“%(text)s”以 = + - @ 开头，像是公式，请去掉开头的符号") % {"text": text[:20]})
    return text


def clean_person_name(value: str) -> str:
    text = _SPACES.sub(" ", clean_free_text(value))
    if not text:
        raise TextError(_("请填写姓名"))
    if not _is_letter(text[0]):
        raise TextError(_("姓名应以文字开头，不能以“%(char)s”开头") % {"char": text[0]})
    if _NAME_FAST.fullmatch(text):
        return text
    refused = sorted({char for char in text if not _may_be_in_name(char)})
    if refused:
        raise TextError(
            _("姓名只能包含文字、空格和间隔号（·），请去掉“%(chars)s”") % {"chars": "".join(refused)}
        )
    return text


def _is_letter(char: str) -> bool:
    return char.isalpha() or "\u0f00" <= char <= "\u0fff"


def _may_be_in_name(char: str) -> bool:
    if char in _NAME_PUNCTUATION or "\u0f00" <= char <= "\u0fff":
        return True
    return unicodedata.category(char)[0] in ("L", "M", "N")
