"""Bimonthly reports as their users meet them: the prefecture writes and submits, HQ reviews and exports."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from drives.periods import Period
from reports.models import ProgressReport
from reports.services.progress import report_open, report_save, report_submit
from reports.units import unit_by_key
from tests.factories import EnterpriseFactory, UnionFactory
from tests.reports.helpers import make_drive

pytestmark = pytest.mark.browser

LHASA = "5401"
PERIOD = "2015-B3"


def some_members():
    """A covered firm in Chengguan with two migrant members, so the figures are not all zero."""
    from members.models import Member, Membership
    from tests.factories import MemberFactory

    firm = EnterpriseFactory(area_id="540102")
    union = UnionFactory(area_id="540102", founded_on=dt.date(2013, 1, 1))
    union.coverages.create(enterprise=firm, started_on=dt.date(2013, 1, 1))
    for _ in range(2):
        member: Member = MemberFactory()
        Membership.objects.create(member=member, union=union, employer=firm, joined_on=dt.date(2015, 5, 10))


def test_prefecture_clerk_writes_the_narrative_and_submits_the_bimonthly_report(journey, prefecture, sign_in):
    make_drive()
    some_members()
    page = journey.page
    sign_in(journey, prefecture)
    journey.goto("/reports/")
    cell = page.get_by_test_id(f"cell-{LHASA}-{PERIOD}")
    expect(cell).to_contain_text("未报送")
    journey.shot("report grid")
    cell.get_by_role("button", name="填报").click()

    expect(page.get_by_test_id("status")).to_have_text("草稿")
    expect(page.get_by_test_id("figure-members_total")).to_contain_text("2")
    page.get_by_label("工作进展").fill("拉萨市各县区本期新建工会3家，发展农牧民工会员2名。")
    page.get_by_label("典型经验").fill("城关区在建筑工地设立流动入会服务点。")
    page.get_by_label("存在问题").fill("部分项目工地人员流动性大，会籍接转不及时。")
    page.get_by_label("下一步打算").fill("推广网上入会二维码，做到工地全覆盖。")
    page.get_by_label("县区报告未全部采纳的说明").fill("各县区报告正在审核，下周前全部采纳。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_label("工作进展")).to_have_value("拉萨市各县区本期新建工会3家，发展农牧民工会员2名。")
    journey.shot("narrative written", doc="report-write.png")

    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("status")).to_have_text("已报送")
    expect(page.get_by_text("城关区在建筑工地设立流动入会服务点。")).to_be_visible()
    journey.shot("report submitted")
    report = ProgressReport.objects.get(unit_key=LHASA, period=PERIOD)
    assert report.figures["members_total"] == 2


def submitted_report(prefecture) -> ProgressReport:
    drive = make_drive()
    report = report_open(user=prefecture, drive=drive, period=Period.parse(PERIOD), unit=unit_by_key(LHASA))
    report_save(
        user=prefecture,
        report_id=report.pk,
        narrative={"progress": "本期进展顺利。", "counties_note": "县区报告尚在审核"},
    )
    return report_submit(user=prefecture, report_id=report.pk)


def test_hq_drills_down_the_dashboard_returns_and_accepts_a_report_and_exports_the_progress_table(
    journey, hq, prefecture, sign_in
):
    some_members()
    report = submitted_report(prefecture)
    page = journey.page
    sign_in(journey, hq)

    # The region's dashboard, then down to Lhasa and to Chengguan.
    journey.goto("/dashboard/?date=2015-06-30")
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("西藏自治区")
    journey.shot("region dashboard")
    page.get_by_test_id("units-table").get_by_role("link", name="拉萨市").click()
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("拉萨市")
    expect(page.locator("tr[data-unit] >> text=城关区")).to_be_visible()
    page.get_by_test_id("units-table").get_by_role("link", name="城关区").click()
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("城关区")
    expect(page.locator(".figure-card [data-figure=members_total]")).to_have_text("2")
    journey.shot("county dashboard")

    # Return the submitted report with a comment.
    journey.goto("/reports/")
    page.get_by_test_id(f"cell-{LHASA}-{PERIOD}").get_by_role("link", name="已报送").click()
    page.get_by_label("意见").fill("请补充典型经验。")
    journey.shot("report to review")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_test_id("status")).to_have_text("已退回")
    expect(page.get_by_test_id("hq-comments")).to_contain_text("请补充典型经验。")

    # The prefecture corrects and sends it again; HQ accepts it.
    narrative = {
        "progress": "本期进展顺利。",
        "typical_experience": "工地流动入会服务点。",
        "counties_note": "县区报告尚在审核",
    }
    report_save(user=prefecture, report_id=report.pk, narrative=narrative)
    report_submit(user=prefecture, report_id=report.pk)
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("已重新报送")
    page.get_by_role("button", name="采纳").click()
    expect(page.get_by_test_id("status")).to_have_text("已采纳")
    journey.shot("report accepted")

    # The official progress table for the period, generated as a job, downloaded and read back.
    journey.goto("/reports/")
    page.locator("select[name=kind]").select_option("progress")
    page.locator("select[name=period]").select_option(PERIOD)
    page.get_by_role("button", name="生成 Excel").click()
    download_link = page.get_by_role("link", name="下载 Excel")
    expect(download_link).to_be_visible()
    journey.shot("export ready")
    with page.expect_download() as download_info:
        download_link.click()
    workbook = load_workbook(io.BytesIO(download_info.value.path().read_bytes()), read_only=True)
    cells = [str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row]
    assert "拉萨市" in cells
    assert any("农牧民工" in value for value in cells)
