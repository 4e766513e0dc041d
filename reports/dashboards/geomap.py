"""The map on a board: its units' real boundaries, coloured by target progress, each linking to its board.

The region's board draws its seven prefectures, a prefecture's board its
counties (reports.dashboards.boundaries). A county's townships have no vendored
boundaries, so its board keeps the units table alone. The same shapes are listed
in a table under the map (names, progress, band) for screen readers, print and
anyone who would rather read than look.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from organizations.models import AreaLevel
from reports.dashboards import boundaries
from reports.dashboards.formatting import percent

# (lowest progress, css class, legend), highest band first.
BANDS = [
    (1.0, "map-band-done", _("已完成")),
    (0.8, "map-band-good", "80–100%"),
    (0.6, "map-band-mid", "60–80%"),
    (0.0, "map-band-behind", _("低于 60%")),
]
NO_TARGET = ("map-band-none", _("无目标"))


def band(progress: float | None) -> str:
    if progress is None:
        return NO_TARGET[0]
    for lowest, css, _label in BANDS:
        if progress >= lowest:
            return css
    return BANDS[-1][1]


def band_label(css: str) -> str:
    return str({c: label for _lowest, c, label in [*BANDS, (None, *NO_TARGET)]}[css])


@dataclass(frozen=True)
class MapShape:
    code: str
    name: str
    url: str
    progress: float | None
    path: str
    label_x: float
    label_y: float

    @property
    def progress_text(self) -> str:
        return percent(self.progress)

    @property
    def css(self) -> str:
        return band(self.progress)

    @property
    def band_label(self) -> str:
        return band_label(self.css)


@dataclass(frozen=True)
class BoardMap:
    width: int
    height: int
    shapes: list[MapShape]
    legend: list[tuple[str, str]]  # (css, label)
    labelled: bool  # names drawn on the shapes (few enough not to crowd)


def board_map(board) -> BoardMap | None:
    """The map of board's units, or None where they have no vendored boundaries."""
    area = board.target.area
    if area is None or not board.units:
        return None
    if area.level == AreaLevel.REGION:
        drawing = boundaries.region()
    elif area.level == AreaLevel.PREFECTURE:
        drawing = boundaries.counties_of(area.code)
    else:
        return None
    if drawing is None:
        return None
    shapes = []
    for unit in board.units:
        unit_area = unit.target.area
        shape = drawing.shapes.get(unit_area.code) if unit_area is not None else None
        if shape is None:
            continue
        shapes.append(
            MapShape(
                code=unit_area.code,
                name=unit.target.label,
                url=unit.url,
                progress=unit.figures.get("target_progress"),
                path=shape.path,
                label_x=shape.label_x,
                label_y=shape.label_y,
            )
        )
    if not shapes:
        return None
    legend = [(css, str(label)) for _lowest, css, label in BANDS] + [(NO_TARGET[0], str(NO_TARGET[1]))]
    return BoardMap(drawing.width, drawing.height, shapes, legend, labelled=len(shapes) <= 12)
