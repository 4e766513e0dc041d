"""organizations.freetext: one rule for a person's name and for free text, wherever they enter."""

import pytest

from organizations.freetext import TextError, clean_free_text, clean_person_name

FORMULAS = [
    '=HYPERLINK("http://evil","x")',
    '=cmd|"/C calc"!A0',
    "@SUM(A1:A2)",
    "+cmd",
    "-x()",
    " =1+1",  # a leading space does not hide it
]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("扎西次仁", "扎西次仁"),
        ("扎西·多吉", "扎西·多吉"),
        ("བཀྲ་ཤིས་", "བཀྲ་ཤིས་"),  # Tibetan: the tsheg is punctuation to Unicode, and allowed
        ("Tashi Dorje", "Tashi Dorje"),
        ("  格桑   卓玛 ", "格桑 卓玛"),
        ("O'Brien", "O'Brien"),
        ("Zoé", "Zoé"),
        ("Zoe\u0301", "Zoe\u0301"),  # a combining accent
        ("扎西（小）", "扎西（小）"),
    ],
)
def test_real_names_pass(raw, clean):
    assert clean_person_name(raw) == clean


@pytest.mark.parametrize("raw", FORMULAS)
def test_formulas_are_refused_as_names_and_as_free_text(raw):
    with pytest.raises(TextError, match="像是公式"):
        clean_free_text(raw)
    with pytest.raises(TextError):
        clean_person_name(raw)


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("扎西<script>", "请去掉“<>”"),
        ("a_b", "请去掉“_”"),
        ('扎西"|!', '请去掉“!"|”'),
        ("(扎西)", "不能以“(”开头"),
        ("3扎西", "不能以“3”开头"),
        ("   ", "请填写姓名"),
        ("扎西\x07", "控制字符"),
    ],
)
def test_a_name_says_what_to_remove(raw, says):
    with pytest.raises(TextError) as refused:
        clean_person_name(raw)
    assert says in str(refused.value)


@pytest.mark.parametrize("raw", ["西藏那曲", "(西藏)建筑有限公司", "-5", "+86 139 0000 0000", "A&B 物流"])
def test_free_text_keeps_what_is_not_a_formula(raw):
    assert clean_free_text(raw) == raw
