"""A worker scans the union's poster and applies on a phone; the union's staff approve it."""

import datetime as dt
import time

import pytest
from playwright.sync_api import expect

from members.idnumber import make_id_number
from members.join_links import MIN_FILL_SECONDS
from members.models import Membership
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.browser


def test_worker_joins_by_the_qr_form_on_a_phone_and_the_union_approves(
    journey, phone_journey, union_staff, sign_in
):
    union = union_staff.union
    firm = EnterpriseFactory(area_id=union.area_id, name="城关区顺达物流有限公司")
    union.coverages.create(enterprise=firm, started_on=dt.date(2024, 1, 1))

    # The union's staff print the poster; its QR code carries the public join link.
    sign_in(journey, union_staff)
    journey.goto(f"/members/unions/{union.pk}/join-poster/")
    expect(journey.page.get_by_test_id("qr")).to_be_visible()
    join_url = journey.page.get_by_test_id("join-url").inner_text().strip()
    journey.shot("join poster")

    # The worker's phone, not signed in.
    phone = phone_journey.page
    phone.goto(join_url)
    opened = time.monotonic()
    expect(phone.get_by_role("heading", name="申请加入工会")).to_be_visible()
    expect(phone.get_by_text(union.name)).to_be_visible()
    # Phone-sized: the form fits the screen's width, no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_label("姓名").fill("洛桑旦增")
    phone.get_by_label("身份证号").fill(make_id_number("540124", dt.date(1996, 8, 12), 35))
    phone.get_by_label("手机号").fill("13989001234")
    phone.get_by_label("民族").select_option("藏族")
    phone.get_by_label("工作单位").fill(firm.name)
    phone_journey.shot("join form on a phone", doc="join-phone.png")
    # A person takes longer than the bot guard's minimum to fill the form.
    time.sleep(max(0.0, MIN_FILL_SECONDS + 0.2 - (time.monotonic() - opened)))
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_test_id("join-done")).to_contain_text(union.name)
    phone_journey.shot("application sent")

    page = journey.page
    journey.goto("/members/applications/")
    page.get_by_role("link", name="洛桑旦增").click()
    expect(page.get_by_role("heading", name="入会申请：洛桑旦增")).to_be_visible()
    page.get_by_label("工作单位").select_option(label=firm.name)
    journey.shot("application to approve")
    page.get_by_role("button", name="批准").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_be_visible()
    journey.shot("approved")
    assert Membership.objects.filter(union=union, member__name="洛桑旦增", left_on=None).exists()
