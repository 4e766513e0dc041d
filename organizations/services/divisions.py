"""Loading the area tree from the CSV form in DESIGN:
code,name_zh,name_en,level,parent_code
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from organizations.divisions import is_valid_code, parent_code
from organizations.models import Area, AreaLevel
from organizations.models.areas import CODE_LENGTH, PARENT_LEVEL

BUNDLED_DIVISIONS = Path(__file__).resolve().parent.parent / "data" / "tibet_divisions.csv"
COLUMNS = ["code", "name_zh", "name_en", "level", "parent_code"]


class DivisionFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class LoadResult:
    created: int
    updated: int
    unchanged: int


def read_division_rows(text: str) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DivisionFileError([f"第1行：缺少列 {', '.join(missing)}（应为 {','.join(COLUMNS)}）"])
    return [(number, row) for number, row in enumerate(reader, start=2)]


def _validate(rows: list[tuple[int, dict]], existing: dict[str, str]) -> list[str]:
    """Check every row against the file and the database; return every error."""
    errors: list[str] = []
    seen: dict[str, int] = {}
    levels = dict(existing)  # code -> level, including rows earlier in the file
    for number, row in rows:
        code, level, parent = row["code"].strip(), row["level"].strip(), row["parent_code"].strip()
        if not is_valid_code(code):
            errors.append(f"第{number}行 code：“{code}”不是6、9或12位区划代码")
            continue
        if code in seen:
            errors.append(f"第{number}行 code：{code} 与第{seen[code]}行重复")
            continue
        seen[code] = number
        if level not in AreaLevel.values:
            errors.append(f"第{number}行 level：“{level}”不是 {'/'.join(AreaLevel.values)} 之一")
            continue
        if len(code) != CODE_LENGTH[level]:
            errors.append(f"第{number}行 level：{level} 的代码应为{CODE_LENGTH[level]}位，{code} 不符")
            continue
        if not _shape_fits(code, level):
            errors.append(f"第{number}行 level：代码 {code} 不是{level}级的代码")
            continue
        if not row["name_zh"].strip():
            errors.append(f"第{number}行 name_zh：名称不能为空")
        if level == AreaLevel.REGION:
            if parent:
                errors.append(f"第{number}行 parent_code：自治区不应有上级")
        elif parent not in levels:
            errors.append(
                f"第{number}行 parent_code：上级 {parent or '（空）'} 不存在（须在本文件前面的行或已导入）"
            )
        elif levels[parent] != PARENT_LEVEL[level]:
            errors.append(
                f"第{number}行 level：{level} 的上级应为 {PARENT_LEVEL[level]}，{parent} 是 {levels[parent]}"
            )
        elif parent_code(code) != parent:
            errors.append(f"第{number}行 parent_code：代码 {code} 不在上级 {parent} 之下")
        levels[code] = level
    return errors


def _shape_fits(code: str, level: str) -> bool:
    """A six-digit code's zero pairs say its level: 540000 region, 540100 prefecture, 540102 county."""
    if level == AreaLevel.REGION:
        return code.endswith("0000")
    if level == AreaLevel.PREFECTURE:
        return code.endswith("00") and not code.endswith("0000")
    if level == AreaLevel.COUNTY:
        return not code.endswith("00")
    return True


@transaction.atomic
def load_divisions(text: str) -> LoadResult:
    """Create or update areas from the CSV text; all rows or none."""
    rows = read_division_rows(text)
    current = {a.code: a for a in Area.objects.all()}
    errors = _validate(rows, {code: a.level for code, a in current.items()})
    if errors:
        raise DivisionFileError(errors)
    result = LoadResult(0, 0, 0)
    for _number, row in rows:
        values = {
            "name_zh": row["name_zh"].strip(),
            "name_en": row["name_en"].strip(),
            "level": row["level"].strip(),
            "parent_id": row["parent_code"].strip() or None,
        }
        area = current.get(row["code"].strip())
        if area is None:
            Area(code=row["code"].strip(), **values).save()
            result.created += 1
        elif any(getattr(area, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(area, key, value)
            area.save()
            result.updated += 1
        else:
            result.unchanged += 1
    return result
