"""One period up the reporting chain in the browser: a county clerk submits to the prefecture, the
prefecture returns it with a reason, the county resubmits, the prefecture accepts, the prefecture
submits its own report, and HQ accepts it; each step told to the other side."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from reports.models import ProgressReport, ReportStatus
from tests.browser.test_reports import some_members
from tests.reports.helpers import make_drive

pytestmark = pytest.mark.browser
PERIOD, LABEL = "2015-B5", "2015年9—10月"


def test_a_period_goes_from_county_to_prefecture_to_hq(journey, county, prefecture, hq, sign_in):
    make_drive()
    some_members()
    page = journey.page

    # The county clerk writes and submits Chengguan's report to Lhasa.
    sign_in(journey, county)
    journey.goto("/reports/")
    cell = page.get_by_test_id("county-grid").get_by_test_id(f"cell-540102-{PERIOD}")
    cell.get_by_role("button", name="填报").click()
    page.get_by_label("工作进展").fill("城关区本期新建联合工会2家。")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("status")).to_have_text("已报送")
    journey.shot("county submitted")

    # The prefecture clerk is told, opens it from the county grid and returns it with a reason.
    sign_in(journey, prefecture)
    journey.goto("/reports/")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.get_by_test_id("county-grid").get_by_test_id(f"cell-540102-{PERIOD}").get_by_role(
        "link", name="已报送"
    ).click()
    page.get_by_role("button", name="退回修改").click()  # no reason: refused, said so
    expect(page.get_by_role("alert")).to_contain_text("退回时请写明修改意见")
    page.get_by_label("意见").fill("请写明新入会会员的来源企业。")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_test_id("status")).to_have_text("已退回")
    journey.shot("prefecture returned the county report")

    # The county clerk reads the reason in the notifications and on the report, and resubmits.
    sign_in(journey, county)
    journey.goto("/notifications/")
    expect(page.get_by_test_id("notifications")).to_contain_text("请写明新入会会员的来源企业。")
    page.get_by_test_id("notifications").get_by_role("button", name="查看").first.click()
    expect(page.get_by_test_id("hq-comments")).to_contain_text("请写明新入会会员的来源企业。")
    page.get_by_label("工作进展").fill("城关区本期新建联合工会2家，新会员来自两家建筑企业。")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("status")).to_have_text("已重新报送")

    # The prefecture accepts it, then writes its own report, saying why other counties are not in.
    sign_in(journey, prefecture)
    journey.goto("/reports/")
    page.get_by_test_id("county-grid").get_by_test_id(f"cell-540102-{PERIOD}").get_by_role(
        "link", name="已重新报送"
    ).click()
    page.get_by_role("button", name="采纳").click()
    expect(page.get_by_test_id("status")).to_have_text("已采纳")
    expect(page.get_by_test_id("history")).to_contain_text("请写明新入会会员的来源企业。")
    journey.goto("/reports/")
    page.get_by_test_id("grid").get_by_test_id(f"cell-5401-{PERIOD}").get_by_role(
        "button", name="填报"
    ).click()
    expect(page.get_by_test_id("county-states")).to_contain_text("已采纳")
    page.get_by_label("工作进展").fill("拉萨市本期各县区稳步推进。")
    page.get_by_role("button", name="报送").click()  # other counties have not reported: refused
    expect(page.get_by_role("alert")).to_contain_text("尚未采纳")
    page.get_by_label("县区报告未全部采纳的说明").fill("其余县区因牧区网络中断延后，已电话督促。")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("status")).to_have_text("已报送")
    journey.shot("prefecture submitted to HQ")

    # HQ accepts Lhasa's report; the grid shows the chain below it.
    sign_in(journey, hq)
    journey.goto(f"/reports/?drive=2015&period={PERIOD}")
    expect(page.get_by_test_id(f"chain-5401-{PERIOD}")).to_contain_text("县区 已报 1/8 · 已采纳 1")
    page.get_by_test_id("grid").get_by_test_id(f"cell-5401-{PERIOD}").get_by_role(
        "link", name="已报送"
    ).click()
    page.get_by_role("button", name="采纳").click()
    expect(page.get_by_test_id("status")).to_have_text("已采纳")
    journey.shot("hq accepted", doc="report-chain.png")

    lhasa = ProgressReport.objects.get(unit_key="5401", period=PERIOD)
    chengguan = ProgressReport.objects.get(unit_key="540102", period=PERIOD)
    assert (lhasa.status, chengguan.status) == (ReportStatus.ACCEPTED, ReportStatus.ACCEPTED)
    assert lhasa.first_submitted_at.date() >= dt.date(2015, 11, 11)  # long after: late, and shown so
    assert LABEL in page.content()
