"""Importing enterprises: the county clerk's journey, encodings, file kinds, the command."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from organizations.creditcode import make_credit_code
from organizations.importers import EnterpriseImporter
from organizations.models import Enterprise
from tests.factories import EnterpriseFactory, ParkFactory

pytestmark = pytest.mark.django_db

HEADERS = [f.header for f in EnterpriseImporter.fields]


def firm_rows(count: int, area: str = "540102") -> list[list]:
    return [
        [
            f"城关区第{n}号建筑工程有限公司",
            make_credit_code(f"91540102MA6X{n:05d}"),
            area,
            "",
            "建筑项目" if n % 2 else "物流快递",
            "非公有制",
            "否",
            30 + n,
            20 + n,
            "是",
            "是",
            "是" if n % 3 else "否",
            "2014-05-01",
        ]
        for n in range(1, count + 1)
    ]


def as_csv(rows, encoding="utf-8-sig", headers=HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def as_xlsx(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="企业.xlsx"):
    return client.post(
        reverse("directory:enterprise_import"), {"file": SimpleUploadedFile(name, content)}, follow=True
    )


def test_fifty_firms_with_three_mistakes_then_fixed(county, prefecture, client_for):
    client = client_for(county)
    template = client.get(reverse("directory:enterprise_import_template"))
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.data_validations.dataValidation  # dropdowns for sector, ownership and yes/no

    rows = firm_rows(50)
    rows[9][1] = rows[9][1][:17] + ("0" if rows[9][1][17] != "0" else "1")  # row 11: wrong check character
    rows[19][8] = rows[19][7] + 5  # row 21: more migrant workers than employees
    rows[29][2] = "540103"  # row 31: another county
    response = upload(client, as_xlsx(rows))
    text = response.content.decode()
    assert "第11行「统一社会信用代码」" in text and "校验位错误" in text
    assert "第21行「农牧民工人数」" in text
    assert "第31行「所在地区」" in text and "不在您的管辖范围内" in text
    assert "确认导入" not in text
    assert not Enterprise.objects.exists()

    fixed = firm_rows(50)
    response = upload(client, as_xlsx(fixed))
    assert "全部通过检查" in response.content.decode()
    assert not Enterprise.objects.exists()  # the preview saves nothing
    confirm_url = response.context["confirm_url"]
    response = client.post(confirm_url, follow=True)
    assert "已保存 50 条" in response.content.decode()
    assert Enterprise.objects.count() == 50
    listed = client.get(reverse("directory:enterprise_list")).context["page"].paginator.count
    assert listed == 50
    red = client.get(reverse("directory:redlists")).context["sections"][0]["total"]
    assert red == len([r for r in fixed if r[11] == "是"])  # four-element firms, none covered yet
    above = client_for(prefecture).get(reverse("directory:enterprise_list"))
    assert above.context["page"].paginator.count == 50


def test_gb18030_csv(county, client_for):
    response = upload(client_for(county), as_csv(firm_rows(3), "gb18030"), "企业.csv")
    assert "共 3 行，全部通过检查" in response.content.decode()


def test_utf8_csv_with_and_without_bom(county, client_for):
    client = client_for(county)
    for encoding in ("utf-8-sig", "utf-8"):
        response = upload(client, as_csv(firm_rows(2), encoding), "企业.csv")
        assert "全部通过检查" in response.content.decode()


def test_english_headers_are_accepted(county, client_for):
    keys = [f.key for f in EnterpriseImporter.fields]
    response = upload(client_for(county), as_csv(firm_rows(2), headers=keys), "企业.csv")
    assert "全部通过检查" in response.content.decode()


def test_duplicates_in_the_file_and_against_the_database(county, client_for):
    existing = EnterpriseFactory()
    rows = firm_rows(3)
    rows[1][1] = rows[0][1]
    rows[2][1] = existing.credit_code
    text = upload(client_for(county), as_csv(rows), "企业.csv").content.decode()
    assert "第3行「统一社会信用代码」：与第2行重复" in text
    assert "第4行「统一社会信用代码」：该单位已在系统中登记" in text


def test_unknown_area_and_park(county, client_for):
    ParkFactory(name="城关物流园")
    rows = firm_rows(3)
    rows[0][2] = "540102999"
    rows[1][3] = "不存在的园区"
    rows[2][3] = "城关物流园"
    text = upload(client_for(county), as_csv(rows), "企业.csv").content.decode()
    assert "第2行「所在地区」：地区代码“540102999”不存在" in text
    assert "第3行「所属园区」" in text
    assert "第4行" not in text


def test_a_file_that_is_not_a_table(county, client_for):
    text = upload(client_for(county), b"%PDF-1.4 not a sheet", "企业.xlsx").content.decode()
    assert "这不是表格文件" in text


def test_another_users_upload_is_not_found(county, other_county, client_for, client):
    response = upload(client_for(county), as_csv(firm_rows(1)), "企业.csv")
    confirm_url = response.context["confirm_url"]
    preview_url = confirm_url.replace("confirm/", "")
    client.force_login(other_county)
    assert client.get(preview_url).status_code == 404
    assert client.post(confirm_url).status_code == 404
    assert not Enterprise.objects.exists()


def test_the_hq_viewer_cannot_import(hq_viewer, client_for):
    client = client_for(hq_viewer)
    assert client.get(reverse("directory:enterprise_import")).status_code == 403
    assert client.post(reverse("directory:enterprise_import"), {}).status_code == 403


def test_the_command(county, tmp_path, capsys):
    good = tmp_path / "firms.csv"
    good.write_bytes(as_csv(firm_rows(4), "gb18030"))
    call_command("import_enterprises", str(good), "--user", "county", "--dry-run")
    assert not Enterprise.objects.exists()
    call_command("import_enterprises", str(good), "--user", "county")
    assert Enterprise.objects.count() == 4
    bad = tmp_path / "bad.csv"
    rows = firm_rows(6)[4:]
    rows[0][2] = "540202"
    bad.write_bytes(as_csv(rows))
    with pytest.raises(CommandError, match="Nothing saved"):
        call_command("import_enterprises", str(bad), "--user", "county")
    assert "第2行「所在地区」" in capsys.readouterr().err
    assert Enterprise.objects.count() == 4


def test_an_upload_over_the_size_cap_is_refused(county, client_for, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    content = as_csv(firm_rows(1)) + b" " * (1024 * 1024)
    response = upload(client_for(county), content, "企业.csv")
    assert "文件过大" in response.content.decode()
    assert "confirm_url" not in response.context
