"""Importing enterprises: DESIGN's template, every problem named by row and column."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from organizations.creditcode import CreditCodeError, make_credit_code, normalize_credit_code
from organizations.importers.base import YES_NO, DirectoryImporter, parse_code
from organizations.models import Enterprise, Ownership, Role, Sector
from organizations.tabular.columns import (
    Field,
    Parsed,
    ParsedRow,
    RowError,
    choice_parser,
    parse_count,
    parse_date,
    parse_yes_no,
)


def parse_credit_code(value: Any) -> str:
    try:
        return normalize_credit_code(str(value))
    except CreditCodeError as error:
        raise ValueError(str(error)) from None


class EnterpriseImporter(DirectoryImporter):
    name = "enterprises"
    title = gettext_noop("企业名录")
    fields = [
        Field("name", "单位名称"),
        Field("credit_code", "统一社会信用代码", parse_credit_code),
        Field("area_code", "所在地区", parse_code),
        Field("park", "所属园区", required=False),
        Field("sector", "行业", choice_parser(Sector)),
        Field("ownership", "经济类型", choice_parser(Ownership)),
        Field("above_scale", "是否规模以上", parse_yes_no),
        Field("employees", "职工人数", parse_count),
        Field("migrant_workers", "农牧民工人数", parse_count),
        Field("has_party_org", "是否建有党组织", parse_yes_no),
        Field("operating", "是否注册并正式投产经营", parse_yes_no),
        Field("profitable", "是否产生经济效益", parse_yes_no),
        Field("registered_on", "注册日期", parse_date, required=False),
    ]
    example = [
        "拉萨市城关区格桑建筑工程有限公司",
        make_credit_code("91540102MA6T0001Q"),
        "540102",
        "",
        "建筑项目",
        "非公有制",
        "否",
        60,
        45,
        "是",
        "是",
        "是",
        "2013-05-20",
    ]
    notes = [
        gettext_noop("每行一个单位。表头可用中文或英文（name、credit_code、area_code……）。"),
        gettext_noop("统一社会信用代码：18位，末位校验码按 GB 32100 检查；同一文件内及系统中不得重复。"),
        gettext_noop("所在地区：填区划代码——县区6位（如 540102）、乡镇9位或村居12位，须在您的管辖范围内。"),
        gettext_noop("所属园区：可空；填写时须与系统中已登记的园区名称完全一致。"),
        gettext_noop("行业、经济类型、是/否列请从下拉列表中选择。农牧民工人数不能大于职工人数。"),
        gettext_noop("注册日期可空，写成 2015-03-01。"),
        gettext_noop("整个文件检查无误后才会一次性保存；任何一行有误则一行也不保存。"),
    ]

    def choices(self) -> dict[int, list[str]]:
        index = {f.key: i for i, f in enumerate(self.fields)}
        lists = {
            index["sector"]: [str(label) for _, label in Sector.choices],
            index["ownership"]: [str(label) for _, label in Ownership.choices],
        }
        for key in ("above_scale", "has_party_org", "operating", "profitable"):
            lists[index[key]] = YES_NO
        return lists

    def validate(self, parsed: Parsed) -> list[RowError]:
        errors = self.resolve_areas(parsed)
        errors += self.resolve_parks([r for r in parsed.rows if "area" in r.values])
        today = timezone.localdate()
        first_row: dict[str, int] = {}
        for row in parsed.rows:
            values = row.values
            code = values["credit_code"]
            if code in first_row:
                errors.append(
                    RowError(
                        row.number,
                        "统一社会信用代码",
                        _("与第%(row)s行重复") % {"row": first_row[code]},
                    )
                )
            else:
                first_row[code] = row.number
            if values["migrant_workers"] > values["employees"]:
                errors.append(
                    RowError(
                        row.number,
                        "农牧民工人数",
                        _("农牧民工人数（%(migrant_workers)s）大于职工人数（%(employees)s）")
                        % {
                            "migrant_workers": values["migrant_workers"],
                            "employees": values["employees"],
                        },
                    )
                )
            if values.get("registered_on") and values["registered_on"] > today:
                errors.append(RowError(row.number, "注册日期", _("注册日期晚于今天")))
        taken = set(
            Enterprise.objects.filter(credit_code__in=list(first_row)).values_list("credit_code", flat=True)
        )
        for row in parsed.rows:
            if row.values["credit_code"] in taken and first_row[row.values["credit_code"]] == row.number:
                errors.append(
                    RowError(row.number, "统一社会信用代码", _("该单位已在系统中登记，不能重复导入"))
                )
        return errors

    def write(self, rows: list[ParsedRow]) -> int:
        affiliate = self.user.role == Role.FEDERATION
        enterprises = [
            Enterprise(
                name=r.values["name"],
                credit_code=r.values["credit_code"],
                area=r.values["area"],
                park=r.values["park"],
                sector=r.values["sector"],
                ownership=r.values["ownership"],
                above_scale=r.values["above_scale"],
                employees=r.values["employees"],
                migrant_workers=r.values["migrant_workers"],
                has_party_org=r.values["has_party_org"],
                operating=r.values["operating"],
                profitable=r.values["profitable"],
                registered_on=r.values.get("registered_on"),
                federation_affiliate=affiliate,
            )
            for r in rows
        ]
        Enterprise.objects.bulk_create(enterprises, batch_size=1000)
        return len(enterprises)
