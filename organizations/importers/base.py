"""What the directory imports share: the edit permission, areas and parks resolved
in bulk (one query each, whatever the file's length), and the yes/no parser."""

from __future__ import annotations

from collections import defaultdict
from typing import IO

from django.utils.translation import gettext as _

from organizations.models import Area, Park
from organizations.permissions import Perm, has_perm
from organizations.services.directory import PLACE_LEVELS
from organizations.tabular.columns import Parsed, ParsedRow, RowError
from organizations.tabular.importer import Importer, ImportResult

YES_NO = ["是", "否"]


def parse_code(value) -> str:
    """A division code as typed: digits only (Excel may have turned it into a number)."""
    from organizations.tabular.reading import cell_text

    text = cell_text(value).replace(" ", "")
    if not text.isdigit() or len(text) not in (6, 9, 12):
        raise ValueError(_("“%(text)s”不是地区代码（县区6位、乡镇9位、村居12位数字）") % {"text": text})
    return text


class DirectoryImporter(Importer):
    area_header = "所在地区"
    park_header = "所属园区"

    def run(self, file: IO[bytes], *, dry_run: bool = False, progress=None) -> ImportResult:
        if not has_perm(self.user, Perm.EDIT_DIRECTORY):
            return ImportResult(dry_run=dry_run, file_error=_("该账号不能维护基本名录，无法导入。"))
        return super().run(file, dry_run=dry_run, progress=progress)

    def resolve_areas(self, parsed: Parsed) -> list[RowError]:
        """Put each row's Area in values["area"]; unknown or out-of-scope codes are errors."""
        codes = {row.values["area_code"] for row in parsed.rows}
        areas = Area.objects.in_bulk(list(codes))
        errors = []
        for row in parsed.rows:
            code = row.values["area_code"]
            area = areas.get(code)
            if area is None:
                errors.append(
                    RowError(row.number, self.area_header, _("地区代码“%(code)s”不存在") % {"code": code})
                )
            elif area.level not in PLACE_LEVELS:
                errors.append(
                    RowError(
                        row.number,
                        self.area_header,
                        _("“%(code)s”是%(level)s，请填县区、乡镇或村居代码")
                        % {"code": code, "level": area.get_level_display()},
                    )
                )
            elif not self.scope.contains_code(code):
                errors.append(
                    RowError(
                        row.number,
                        self.area_header,
                        _("地区“%(name)s（%(code)s）”不在您的管辖范围内") % {"name": area.name, "code": code},
                    )
                )
            else:
                row.values["area"] = area
        return errors

    def resolve_parks(self, rows: list[ParsedRow]) -> list[RowError]:
        """Put each row's Park (by exact name, in the row's county) in values["park"]."""
        names = {row.values["park"] for row in rows if row.values.get("park")}
        by_name: dict[str, list[Park]] = defaultdict(list)
        for park in Park.objects.visible_to(self.user).filter(name__in=names).select_related("area"):
            by_name[park.name].append(park)
        errors = []
        for row in rows:
            name, area = row.values.get("park"), row.values.get("area")
            if not name or area is None:
                row.values["park"] = None
                continue
            candidates = [p for p in by_name.get(name, []) if area.code.startswith(p.area.prefix)]
            if not candidates:
                errors.append(
                    RowError(
                        row.number,
                        self.park_header,
                        _("“%(name)s”不是该地区已登记的园区，请先登记园区或核对名称") % {"name": name},
                    )
                )
            elif len(candidates) > 1:
                errors.append(
                    RowError(
                        row.number, self.park_header, _("该地区有多个名为“%(name)s”的园区") % {"name": name}
                    )
                )
            else:
                row.values["park"] = candidates[0]
        return errors
