"""Importing unions with the enterprises they cover and their parent union."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from organizations.creditcode import CreditCodeError, normalize_credit_code
from organizations.importers.base import DirectoryImporter, parse_code
from organizations.models import AreaLevel, Coverage, Enterprise, Role, Union, UnionKind
from organizations.services.directory import next_union_codes
from organizations.tabular.columns import (
    Field,
    Parsed,
    ParsedRow,
    RowError,
    choice_parser,
    parse_date,
    parse_text,
)
from organizations.tabular.reading import cell_text

_SEPARATORS = re.compile(r"[;；,，、\s]+")


def parse_covers(value: Any) -> list[str]:
    codes, bad = [], []
    for part in _SEPARATORS.split(cell_text(value)):
        if not part:
            continue
        try:
            codes.append(normalize_credit_code(part))
        except CreditCodeError as error:
            bad.append(f"{part}（{error}）")
    if bad:
        raise ValueError(_("统一社会信用代码有误：%(codes)s") % {"codes": "；".join(bad)})
    return list(dict.fromkeys(codes))


class UnionImporter(DirectoryImporter):
    name = "unions"
    title = gettext_noop("工会名录")
    fields = [
        Field("name", "工会名称"),
        Field("kind", "工会类型", choice_parser(UnionKind)),
        Field("area_code", "所在地区", parse_code),
        Field("park", "所属园区", required=False),
        Field("founded_on", "成立日期", parse_date),
        Field("covers", "覆盖单位", parse_covers, required=False),
        Field("parent", "上级工会", required=False),
        Field("code", "工会编号", parse_text, required=False),
    ]
    example = ["拉萨市城关区格桑建筑工程有限公司工会", "基层工会", "540102", "", "2014-06-01", "", "", ""]
    notes = [
        gettext_noop("每行一个工会。表头可用中文或英文（name、kind、area_code……）。"),
        gettext_noop(
            "工会类型请从下拉列表中选择；乡镇工会填9位乡镇代码，社区工会填12位村居代码，园区工会须填所属园区。"
        ),
        gettext_noop(
            "覆盖单位：填统一社会信用代码，多个用分号（；或 ;）分隔；须已在企业名录中且在您的管辖范围内。"
            "基层工会只覆盖本单位一家。"
        ),
        gettext_noop("上级工会：可空；填系统中或本文件中工会的准确名称（或工会编号）。"),
        gettext_noop("工会编号：可空，留空则自动编号；填写时不得与已有编号重复。"),
        gettext_noop("整个文件检查无误后才会一次性保存；任何一行有误则一行也不保存。"),
    ]

    def choices(self) -> dict[int, list[str]]:
        return {1: [str(label) for _, label in UnionKind.choices]}

    def validate(self, parsed: Parsed) -> list[RowError]:
        errors = self.resolve_areas(parsed)
        errors += self.resolve_parks([r for r in parsed.rows if "area" in r.values])
        errors += self._check_rows(parsed.rows)
        errors += self._resolve_covers(parsed.rows)
        errors += self._resolve_parents(parsed.rows)
        return errors

    def _check_rows(self, rows: list[ParsedRow]) -> list[RowError]:
        errors, today = [], timezone.localdate()
        codes: dict[str, int] = {}
        for row in rows:
            values, area = row.values, row.values.get("area")
            if values["founded_on"] > today:
                errors.append(RowError(row.number, "成立日期", _("成立日期晚于今天")))
            if area is not None and values["kind"] == UnionKind.TOWNSHIP and area.level != AreaLevel.TOWNSHIP:
                errors.append(RowError(row.number, "所在地区", _("乡镇工会应填9位乡镇（街道）代码")))
            if area is not None and values["kind"] == UnionKind.COMMUNITY and area.level != AreaLevel.VILLAGE:
                errors.append(RowError(row.number, "所在地区", _("社区工会应填12位社区或村代码")))
            if values["kind"] == UnionKind.PARK and not values.get("park"):
                errors.append(RowError(row.number, "所属园区", _("园区工会须填所属园区")))
            if values["kind"] == UnionKind.GRASSROOTS and len(values.get("covers") or []) > 1:
                errors.append(
                    RowError(
                        row.number, "覆盖单位", _("基层工会只覆盖本单位一家；覆盖多家请用“联合基层工会”")
                    )
                )
            code = values.get("code")
            if code:
                if code in codes:
                    errors.append(
                        RowError(
                            row.number,
                            "工会编号",
                            _("与第%(row)s行重复") % {"row": codes[code]},
                        )
                    )
                codes.setdefault(code, row.number)
        taken = set(Union.objects.filter(code__in=list(codes)).values_list("code", flat=True))
        for row in rows:
            code = row.values.get("code")
            if code in taken and codes[code] == row.number:
                errors.append(
                    RowError(row.number, "工会编号", _("工会编号“%(code)s”已被使用") % {"code": code})
                )
        return errors

    def _resolve_covers(self, rows: list[ParsedRow]) -> list[RowError]:
        wanted = {code for row in rows for code in row.values.get("covers") or []}
        found = {
            e.credit_code: e for e in Enterprise.objects.visible_to(self.user).filter(credit_code__in=wanted)
        }
        errors = []
        for row in rows:
            unknown = [c for c in row.values.get("covers") or [] if c not in found]
            if unknown:
                errors.append(
                    RowError(
                        row.number,
                        "覆盖单位",
                        _("%(codes)s 不在企业名录中或不在您的管辖范围内，请先导入企业")
                        % {"codes": "、".join(unknown)},
                    )
                )
            row.values["cover_enterprises"] = [found[c] for c in row.values.get("covers") or [] if c in found]
        return errors

    def _resolve_parents(self, rows: list[ParsedRow]) -> list[RowError]:
        texts = {row.values["parent"] for row in rows if row.values.get("parent")}
        in_file = {row.values["name"]: row for row in rows} | {
            r.values["code"]: r for r in rows if r.values.get("code")
        }
        known: dict[str, list[Union]] = defaultdict(list)
        for union in Union.objects.visible_to(self.user).filter(name__in=texts):
            known[union.name].append(union)
        for union in Union.objects.visible_to(self.user).filter(code__in=texts):
            known[union.code] = [union]
        errors = []
        for row in rows:
            text = row.values.get("parent")
            row.values["parent_union"] = row.values["parent_row"] = None
            if not text:
                continue
            if in_file.get(text) is row:
                errors.append(RowError(row.number, "上级工会", _("上级工会不能是本工会")))
            elif text in in_file:
                row.values["parent_row"] = in_file[text]
            elif len(known.get(text, [])) == 1:
                row.values["parent_union"] = known[text][0]
            elif text in known:
                errors.append(
                    RowError(
                        row.number,
                        "上级工会",
                        _("名为“%(text)s”的工会不止一个，请填写工会编号") % {"text": text},
                    )
                )
            else:
                errors.append(
                    RowError(
                        row.number,
                        "上级工会",
                        _("找不到工会“%(text)s”（或不在您的管辖范围内）") % {"text": text},
                    )
                )
        return errors

    def write(self, rows: list[ParsedRow]) -> int:
        affiliate = self.user.role == Role.FEDERATION
        fresh: dict[str, list[str]] = {}
        needing = defaultdict(int)
        for row in rows:
            if not row.values.get("code"):
                needing[row.values["area"].code[:6]] += 1
        for county, count in needing.items():
            fresh[county] = next_union_codes(county, count)
        unions = []
        for row in rows:
            v = row.values
            code = v.get("code") or fresh[v["area"].code[:6]].pop(0)
            unions.append(
                Union(
                    name=v["name"],
                    code=code,
                    kind=v["kind"],
                    area=v["area"],
                    park=v["park"],
                    parent=v["parent_union"],
                    founded_on=v["founded_on"],
                    federation_affiliate=affiliate,
                )
            )
            v["union"] = unions[-1]
        Union.objects.bulk_create(unions, batch_size=1000)
        # Parents named within the same file exist only now.
        children = [r.values["union"] for r in rows if r.values["parent_row"] is not None]
        for row in rows:
            if row.values["parent_row"] is not None:
                row.values["union"].parent = row.values["parent_row"].values["union"]
        Union.objects.bulk_update(children, ["parent"], batch_size=1000)
        Coverage.objects.bulk_create(
            [
                Coverage(union=r.values["union"], enterprise=e, started_on=r.values["founded_on"])
                for r in rows
                for e in r.values["cover_enterprises"]
            ],
            batch_size=1000,
        )
        return len(unions)
