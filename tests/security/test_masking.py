"""No audit entry and no log line holds a full ID number or mobile number."""

import io
import logging
import re

import pytest

from organizations import audit
from organizations.models import AuditAction, AuditEntry
from organizations.security.log_scrub import ScrubPersonalNumbers
from tests.factories import EnterpriseFactory

ID = "540102199005170012"
ID_X = "54010219900517001X"
PHONE = "13912345678"

FULL_ID = re.compile(r"\d{17}[\dXx]")
FULL_PHONE = re.compile(r"1[3-9]\d{9}")

SHAPES = [
    ID,
    ID_X,
    ID_X.lower(),
    f"身份证号{ID}",  # Chinese characters are word characters: no \b before the digits
    f"身份证号：{ID}，手机{PHONE}。",
    f"id={ID}&phone={PHONE}",
    f"ID{ID}X",
    f"/members/search/?q={ID}",
    f"<td>{ID}</td>",
    f'{{"id_number": "{ID}"}}',
    "540102 19900517 0012",
    "540102-19900517-0012",
    "５４０１０２１９９００５１７００１２",  # full-width digits
    "540102900517001",  # a first-generation 15-digit ID
    f"99{ID}",  # longer runs may hide one
    PHONE,
    f"电话{PHONE}",
    "139-1234-5678",
    "139 1234 5678",
    f"+86{PHONE}",
    f"+86 {PHONE}",
    f"86-{PHONE}",
    f"0086{PHONE}",
    f"({PHONE})",
    f"tel:{PHONE};",
]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


@pytest.mark.parametrize("text", SHAPES)
def test_scrub_masks_every_shape(text):
    masked = audit.scrub(text)
    assert "*" in masked
    assert not FULL_ID.search(_digits(masked))
    assert not FULL_PHONE.search(masked.replace("-", "").replace(" ", ""))


def test_scrub_keeps_the_ends_for_recognition():
    assert audit.scrub(f"身份证号{ID}") == "身份证号5401**********0012"
    assert audit.scrub(f"手机{PHONE}") == "手机139****5678"


@pytest.mark.parametrize(
    "text",
    [
        "2015-03-01 13:45:12",
        "91540102MA6T00001X",  # a credit code is public and stays readable
        "职工人数 1234567",
        "0891-6321234",  # an office landline
        "第12行「身份证号」：校验位不对",
        "5401**********0012",
    ],
)
def test_scrub_leaves_ordinary_text_alone(text):
    assert audit.scrub(text) == text


def test_scrub_walks_nested_values():
    changes = {"phone": [PHONE, "13800001111"], "ids": (ID, 540102199005170012), "n": 3, "ok": True}
    masked = audit.scrub(changes)
    assert masked["n"] == 3 and masked["ok"] is True
    assert masked["phone"] == ["139****5678", "138****1111"]
    assert masked["ids"] == ["5401**********0012", "5401**********0012"]
    assert audit.scrub(13912345678.0) == "139****5678.0"


def test_audit_entries_never_hold_a_full_number(db, divisions, county):
    enterprise = EnterpriseFactory(name=f"张三{PHONE}的工地")
    entry = audit.record(
        user=county,
        action=AuditAction.VIEW_PERSONAL,
        obj=enterprise,
        changes={"id_number": ID, "note": f"查看了 {ID_X} 和 {PHONE}", "nested": {"phone": [None, PHONE]}},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    text = f"{stored.object_repr} {stored.changes}"
    assert not FULL_ID.search(text)
    assert not FULL_PHONE.search(text)
    assert stored.changes["id_number"] == "5401**********0012"


def test_settings_install_the_filter_on_every_handler():
    handlers = logging.getLogger().handlers
    ours = [h for h in handlers if any(isinstance(f, ScrubPersonalNumbers) for f in h.filters)]
    assert ours, "settings.LOGGING must put ScrubPersonalNumbers on the root handler"
    from django.conf import settings

    for name, handler in settings.LOGGING["handlers"].items():
        assert "scrub_personal_numbers" in handler.get("filters", []), name


def test_log_lines_never_hold_a_full_number():
    handler = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, ScrubPersonalNumbers) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        log = logging.getLogger("members.import")
        log.warning("row %s: id %s phone %s", 5, ID, PHONE)
        log.error(f"person 身份证号{ID_X} not found")
        log.warning("kwargs %(id)s", {"id": ID})
        try:
            raise ValueError(f"duplicate {ID} / {PHONE}")
        except ValueError:
            log.exception("import failed for %s", "电话" + PHONE)
        logging.getLogger("django.request").warning("Not Found: /members/?q=%s", ID)
    finally:
        handler.setStream(previous)
    text = stream.getvalue()
    assert "duplicate 5401**********0012 / 139****5678" in text  # the traceback too
    assert text.count("5401**********0012") == 4
    assert not FULL_ID.search(text)
    assert not FULL_PHONE.search(text)
