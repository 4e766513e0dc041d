"""Signing in through the form, walking the area tree inside one's scope, switching language."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_prefecture_clerk_signs_in_and_walks_down_the_area_tree(journey, prefecture):
    page = journey.page
    journey.goto("/areas/")
    expect(page).to_have_url(journey.url("/accounts/login/?next=/areas/"))
    journey.shot("login form", doc="login.png")

    page.get_by_label("用户名").fill("prefecture")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # The scope starts at the clerk's own prefecture; the rest of the region is not offered.
    expect(page.get_by_role("heading", name="地区")).to_be_visible()
    expect(page.get_by_test_id("user-place")).to_contain_text("拉萨市")
    expect(page.get_by_role("link", name="拉萨市")).to_be_visible()
    expect(page.get_by_role("link", name="日喀则市")).to_have_count(0)
    journey.shot("area list")

    page.get_by_role("link", name="拉萨市").click()
    expect(page.get_by_role("heading", name="拉萨市")).to_be_visible()
    page.get_by_role("link", name="城关区").click()
    expect(page.get_by_role("heading", name="城关区")).to_contain_text("540102")
    expect(page.get_by_role("link", name="540102测试街道")).to_be_visible()
    journey.shot("county page")

    # Another prefecture's county is simply not there.
    journey.expected_statuses.add(404)
    response = journey.goto("/areas/540202/")
    assert response.status == 404


def test_wrong_password_is_refused_with_a_clear_message(journey, county):
    page = journey.page
    journey.goto("/accounts/login/")
    page.get_by_label("用户名").fill("county")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误，请重试。")
    journey.shot("wrong password")


def test_language_switch_to_english_and_back(journey, county, sign_in):
    page = journey.page
    sign_in(journey, county)
    journey.goto("/areas/540102/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(journey.url("/areas/540102/"))
    expect(page.get_by_role("heading", name="Chengguan District")).to_be_visible()
    journey.shot("english")

    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="城关区")).to_be_visible()
