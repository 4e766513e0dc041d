"""Importing unions: kinds, coverage by credit code, parents, duplicates, scope."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from organizations.importers import UnionImporter
from organizations.models import Area, Coverage, Union, UnionKind
from tests.factories import EnterpriseFactory, ParkFactory, UnionFactory

pytestmark = pytest.mark.django_db

HEADERS = [f.header for f in UnionImporter.fields]


def as_csv(rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def row(name, kind="基层工会", area="540102", park="", founded="2014-06-01", covers="", parent="", code=""):
    return [name, kind, area, park, founded, covers, parent, code]


def preview(client, content):
    return client.post(
        reverse("directory:union_import"), {"file": SimpleUploadedFile("工会.csv", content)}, follow=True
    )


def test_unions_of_several_kinds_with_coverage_and_parents(county, client_for):
    ParkFactory(name="城关物流园")
    firms = [EnterpriseFactory(employees=10, migrant_workers=6) for _ in range(3)]
    own = EnterpriseFactory()
    rows = [
        row("测试街道总工会", "乡镇工会", "540102001"),
        row(
            "测试街道第1联合基层工会",
            "联合基层工会",
            "540102001",
            covers=";".join(f.credit_code for f in firms),
            parent="测试街道总工会",
        ),
        row("格桑建筑公司工会", covers=own.credit_code, founded="2015-03-01"),
        row("城关物流园工会", "园区工会", park="城关物流园"),
        row("测试村工会", "社区工会", "540102001201", parent="测试街道总工会"),
    ]
    client = client_for(county)
    response = preview(client, as_csv(rows, "gb18030"))
    assert "全部通过检查" in response.content.decode()
    client.post(response.context["confirm_url"])
    assert Union.objects.count() == 5
    joint = Union.objects.get(kind=UnionKind.JOINT)
    assert joint.parent.name == "测试街道总工会"
    assert joint.coverages.count() == 3
    assert Coverage.objects.get(enterprise=own).started_on.isoformat() == "2015-03-01"
    assert Union.objects.get(kind=UnionKind.PARK).park.name == "城关物流园"


def test_every_mistake_is_named(county, client_for):
    UnionFactory(code="540102-00001")
    theirs = EnterpriseFactory(area_id="540103")
    rows = [
        row("甲工会", code="540102-00001"),
        row("乙工会", covers=theirs.credit_code),
        row("丙工会", covers="91540102MA6T00010"),
        row("丁工会", parent="不存在的工会"),
        row("戊工会", "乡镇工会"),
        row("己工会", area="540103"),
        row("庚工会", "未知类型"),
        row("辛工会", code="X1"),
        row("壬工会", code="X1"),
    ]
    text = preview(client_for(county), as_csv(rows)).content.decode()
    assert "第2行「工会编号」" in text and "已被使用" in text
    assert "第3行「覆盖单位」" in text and "不在您的管辖范围内" in text
    assert "第4行「覆盖单位」" in text
    assert "第5行「上级工会」" in text
    assert "第6行「所在地区」" in text
    assert "第7行「所在地区」" in text
    assert "第8行「工会类型」" in text
    assert "第10行「工会编号」：与第9行重复" in text
    assert Union.objects.count() == 1


def test_the_command_runs_in_the_users_scope(county, tmp_path, capsys):
    firm = EnterpriseFactory()
    path = tmp_path / "unions.csv"
    path.write_bytes(as_csv([row("格桑工会", covers=firm.credit_code)]))
    call_command("import_unions", str(path), "--user", "county")
    assert Union.objects.get().coverages.get().enterprise == firm
    path.write_bytes(as_csv([row("日喀则工会", area="540202")]))
    with pytest.raises(CommandError):
        call_command("import_unions", str(path), "--user", "county")
    assert "第2行「所在地区」" in capsys.readouterr().err
    assert Union.objects.count() == 1


def test_another_county_cannot_import_into_mine(other_county, client_for):
    text = preview(client_for(other_county), as_csv([row("城关工会")])).content.decode()
    assert "不在您的管辖范围内" in text
    assert not Union.objects.exists()
    assert Area.objects.filter(code="540102").exists()
