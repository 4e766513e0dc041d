"""The target import (HQ): one row per unit of the current drive's target responsibility letter."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from drives.models import Drive, Target
from drives.services import unit_of
from organizations.models import Area, AreaLevel
from organizations.permissions import Perm, has_perm
from organizations.scopes import FEDERATION_KEY
from organizations.tabular.columns import Field, Parsed, ParsedRow, RowError, parse_count
from organizations.tabular.importer import Importer, ImportResult
from organizations.tabular.reading import cell_text

FEDERATION_NAMES = {FEDERATION_KEY, "区非公企业工会联合会", "非公企业工会联合会"}


def parse_unit(value) -> str:
    text = cell_text(value).replace(" ", "")
    if text in FEDERATION_NAMES:
        return FEDERATION_KEY
    if not (text.isdigit() and len(text) == 6):
        raise ValueError(_("“%(text)s”应为地市或县区的6位代码，或“区非公企业工会联合会”") % {"text": text})
    return text


class TargetImporter(Importer):
    name = "target_import"
    title = gettext_noop("目标任务")
    fields = [
        Field("unit", "单位代码", parse_unit),
        Field("member_target", "会员目标数", parse_count),
        Field("declared_baseline", "申报基数", parse_count, required=False),
        Field("small_covered_target", "小微企业联合建会覆盖目标", parse_count, required=False),
        Field("parks_with_union_target", "园区建会目标", parse_count, required=False),
        Field("townships_eight_haves_target", "乡镇八有达标目标", parse_count, required=False),
        Field("communities_with_union_target", "社区村建会目标", parse_count, required=False),
    ]
    example = ["540100", 12000, 9800, 40, 3, 20, 60]
    notes = [
        gettext_noop("单位代码：地市或县区的6位区划代码；区非公企业工会联合会填“区非公企业工会联合会”。"),
        gettext_noop("申报基数：系统缺少上年历史数据时填写上年末农牧民工会员数，否则留空。"),
        gettext_noop("同一单位已有目标的，导入后以文件为准。"),
    ]

    def __init__(self, user, drive: Drive | None = None):
        super().__init__(user)
        self.drive = drive or Drive.objects.current()

    def run(self, file, *, dry_run: bool = False, progress=None) -> ImportResult:
        if not has_perm(self.user, Perm.MANAGE_DRIVE):
            return ImportResult(dry_run=dry_run, file_error=_("只有区总工会可以导入目标任务。"))
        if self.drive is None:
            return ImportResult(dry_run=dry_run, file_error=_("尚未设立集中行动，请先新建年度行动。"))
        return super().run(file, dry_run=dry_run, progress=progress)

    def validate(self, parsed: Parsed) -> list[RowError]:
        codes = {row.values["unit"] for row in parsed.rows} - {FEDERATION_KEY}
        areas = Area.objects.in_bulk(list(codes))
        errors, seen = [], {}
        for row in parsed.rows:
            key = row.values["unit"]
            if key in seen:
                errors.append(RowError(row.number, "单位代码", _("与第%(row)s行重复") % {"row": seen[key]}))
                continue
            seen[key] = row.number
            if key == FEDERATION_KEY:
                row.values["area"] = None
                continue
            area = areas.get(key)
            if area is None or area.level not in (AreaLevel.PREFECTURE, AreaLevel.COUNTY):
                errors.append(
                    RowError(row.number, "单位代码", _("“%(key)s”不是地市或县区代码") % {"key": key})
                )
            else:
                row.values["area"] = area
        errors += self._check_sums(parsed)
        return errors

    def _check_sums(self, parsed: Parsed) -> list[RowError]:
        """In the file, a prefecture's counties may not add up to more than the prefecture."""
        rows = [r for r in parsed.rows if "area" in r.values and r.values["area"] is not None]
        prefectures = {
            r.values["area"].prefix: r for r in rows if r.values["area"].level == AreaLevel.PREFECTURE
        }
        errors = []
        for prefix, row in prefectures.items():
            counties = [
                r.values["member_target"]
                for r in rows
                if r.values["area"].level == AreaLevel.COUNTY and r.values["area"].prefix.startswith(prefix)
            ]
            if sum(counties) > row.values["member_target"]:
                errors.append(
                    RowError(
                        row.number,
                        "会员目标数",
                        _("所属县区目标合计%(counties_total)s，超过地市目标%(prefecture_target)s")
                        % {
                            "counties_total": sum(counties),
                            "prefecture_target": row.values["member_target"],
                        },
                    )
                )
        return errors

    def write(self, rows: list[ParsedRow]) -> int:
        with transaction.atomic():
            for row in rows:
                area = row.values["area"]
                key, level = unit_of(area)
                values = {k: v for k, v in row.values.items() if k not in ("unit", "area")}
                Target.objects.update_or_create(
                    drive=self.drive,
                    scope_key=key,
                    defaults={**values, "area": area, "level": level, "is_federation": area is None},
                )
        return len(rows)
