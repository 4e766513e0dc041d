"""ID numbers, phones, ethnic groups and the encryption of personal numbers."""

import datetime as dt

import pytest

from members.ethnicity import normalize_ethnicity
from members.idnumber import IdNumberError, make_id_number, parse_id_number
from members.personal_data import decrypt, encrypt, encrypt_many, keyed_hash
from members.phone import PhoneError, mask_phone, normalize_phone

VALID_X = next(
    n for n in (make_id_number("540102", dt.date(1988, 2, 29), s) for s in range(100, 300)) if n.endswith("X")
)


def test_birth_date_and_sex_come_from_the_number():
    female = make_id_number("540102", dt.date(1985, 7, 1), 124)
    parsed = parse_id_number(female)
    assert (parsed.birth_date, parsed.sex, parsed.masked) == (
        dt.date(1985, 7, 1),
        "F",
        "5401**********" + female[-4:],
    )
    assert parse_id_number(make_id_number("540102", dt.date(1985, 7, 1), 123)).sex == "M"


def test_lowercase_x_spaces_and_full_width_digits_are_normalised():
    wide = VALID_X[:-1].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}) + "x"
    assert parse_id_number(wide).value == VALID_X
    assert parse_id_number(" " + VALID_X[:6] + " " + VALID_X[6:].lower()).value == VALID_X


@pytest.mark.parametrize(
    "number,message",
    [
        ("540102880229123", "15位旧身份证号"),
        ("54010219880230123X", "不存在"),
        (make_id_number("540102", dt.date(2099, 1, 1), 123), "晚于今天"),
        (VALID_X[:-1] + "1", "校验位错误：末位应为 X"),
        ("5401021988022912", "应为18位"),
        ("54010219880229A23X", "前17位须为数字"),
    ],
)
def test_bad_numbers_are_refused_with_the_reason(number, message):
    with pytest.raises(IdNumberError, match=message):
        parse_id_number(number)


@pytest.mark.parametrize(
    "raw", ["+86 139 0000 1234", "0086-13900001234", "139 0000 1234", "１３９００００１２３４"]
)
def test_phones_are_normalised(raw):
    assert normalize_phone(raw) == "13900001234"
    assert mask_phone("13900001234") == "139****1234"


@pytest.mark.parametrize("raw", ["1390000123", "23900001234", "010-12345678"])
def test_bad_phones_are_refused(raw):
    with pytest.raises(PhoneError):
        normalize_phone(raw)


def test_ethnic_groups():
    assert normalize_ethnicity("藏") == "藏族" and normalize_ethnicity("门巴族") == "门巴族"
    with pytest.raises(ValueError, match="56个民族"):
        normalize_ethnicity("西藏族")


def test_numbers_are_stored_encrypted_and_found_by_keyed_hash():
    token = encrypt(VALID_X)
    assert VALID_X not in token and decrypt(token) == VALID_X
    assert keyed_hash(VALID_X) == keyed_hash(VALID_X) != keyed_hash(VALID_X[:-1] + "0")
    batch = encrypt_many([VALID_X, "", "13900001234"])
    assert [decrypt(batch[0]), batch[1], decrypt(batch[2])] == [VALID_X, "", "13900001234"]
    assert batch[0] != encrypt_many([VALID_X])[0]  # a fresh IV every time
