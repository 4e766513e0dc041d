"""The county clerk's day: a new firm, the union that covers it, a roster with one bad row, the figures."""

import datetime as dt

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from members.idnumber import make_id_number
from organizations.creditcode import make_credit_code

pytestmark = pytest.mark.browser

FIRM = "拉萨雪域建筑工程有限公司"
UNION = "拉萨雪域建筑工程有限公司工会"
CREDIT_CODE = make_credit_code("91540102MA6T0X9Y1")
HEADERS = ["姓名", "身份证号", "民族", "手机号", "户籍地", "是否农牧民工", "工作单位", "所属工会", "入会日期"]


def roster(path, *, bad_id: bool):
    good = [make_id_number("540121", dt.date(1990, 5, n), 11 + n) for n in (1, 2, 3)]
    ids = [good[0], good[1][:-1] + ("0" if good[1][-1] != "0" else "1"), good[2]] if bad_id else good
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n, (name, number) in enumerate(zip(["扎西", "卓玛", "次仁"], ids, strict=True)):
        phone = f"1390890100{n}"
        sheet.append([name, number, "藏族", phone, "拉萨市林周县", "是", CREDIT_CODE, UNION, "2026-03-01"])
    workbook.save(path)
    return path


def members_figure(journey) -> str:
    journey.goto("/dashboard/540102/")
    return journey.page.locator(".figure-card [data-figure=members_total]").inner_text().strip()


def test_county_clerk_registers_a_firm_and_its_union_imports_a_roster_and_sees_the_figures_move(
    journey, county, sign_in, tmp_path
):
    page = journey.page
    sign_in(journey, county)
    assert members_figure(journey) == "0"
    journey.shot("county dashboard before")

    journey.goto("/directory/enterprises/")
    page.get_by_role("link", name="登记单位").click()
    page.get_by_label("单位名称").fill(FIRM)
    page.get_by_label("统一社会信用代码").fill(CREDIT_CODE)
    page.get_by_label("所在地区代码").fill("540102")
    page.get_by_label("行业").select_option(label="建筑项目")
    page.get_by_label("职工人数").fill("120")
    page.get_by_label("农牧民工人数").fill("80")
    journey.shot("new firm form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name=FIRM)).to_be_visible()

    # The firm is not covered yet; its page offers to register its union with the form filled in.
    page.get_by_test_id("found-union").click()
    expect(page.get_by_label("覆盖单位")).to_have_value(CREDIT_CODE)
    page.get_by_label("工会名称").fill(UNION)
    page.get_by_label("工会类型").select_option(label="基层工会")
    page.get_by_label("所在地区代码").fill("540102")
    page.get_by_label("成立日期").fill("2026-02-01")
    journey.shot("new union form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name=UNION)).to_be_visible()

    # A roster with a wrong check digit in row 3: every problem is listed, nothing is saved.
    journey.goto("/members/")
    page.get_by_role("link", name="Excel 导入").click()
    page.get_by_label("文件").set_input_files(roster(tmp_path / "名册.xlsx", bad_id=True))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_test_id("import-errors-summary")).to_contain_text("未保存任何数据")
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("第3行")
    expect(errors).to_contain_text("身份证号")
    journey.shot("roster with one bad row", doc="import-errors.png")

    # The clerk fixes the number and uploads again.
    page.get_by_role("link", name="重新上传").first.click()
    page.get_by_label("文件").set_input_files(roster(tmp_path / "名册-改正.xlsx", bad_id=False))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_test_id("import-ok")).to_contain_text("共 3 行")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_be_visible()
    journey.shot("roster imported")

    assert members_figure(journey) == "3"
    journey.shot("county dashboard after")
