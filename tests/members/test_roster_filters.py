"""Where a scope holds more unions or firms than a drop-down can help with, the roster filter
takes the union's code or the firm's credit code, still within the user's scope."""

import pytest
from django.urls import reverse

from members import forms
from tests.members.helpers import workplace
from tests.members.test_pages import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_choices(monkeypatch):
    monkeypatch.setattr(forms, "LONGEST_DROPDOWN", 1)


def test_a_long_list_of_unions_becomes_a_code_box_that_filters(client_for, hq, county, many_choices):
    firm, union = workplace()
    other_firm, other_union = workplace()
    enrol(hq, union, firm, name="甲会员")
    enrol(hq, other_union, other_firm, name="乙会员", phone="13987654321")

    page = client_for(county).get(reverse("members:list"), {"union": union.code})

    assert f'name="union" value="{union.code}"' in page.text  # a text box keeping the code, not a select
    assert '<select name="union"' not in page.text
    assert "甲会员" in page.text and "乙会员" not in page.text


def test_a_code_outside_the_scope_is_refused_not_used(client_for, hq, county, many_choices):
    firm, union = workplace()
    far_firm, far_union = workplace(area_id="540103")
    enrol(hq, union, firm, name="甲会员")
    enrol(hq, far_union, far_firm, name="邻区会员", phone="13987654321")

    page = client_for(county).get(reverse("members:list"), {"union": far_union.code})

    assert "邻区会员" not in page.text
    assert "选择一个有效的选项" in page.text or "Select a valid choice" in page.text
