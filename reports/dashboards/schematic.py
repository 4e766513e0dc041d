"""The schematic of the seven prefectures: tiles placed roughly as on the map, west to east.

Not a map (no borders to get wrong): each prefecture is a rectangle in its
rough place, coloured by the band of its target progress, linking to its
dashboard.
"""

from dataclasses import dataclass

from reports.dashboards.formatting import percent

# code → (x, y, width, height) in a 600 × 270 drawing.
TILES = {
    "542500": (10, 40, 150, 150),  # Ngari, the far west
    "540600": (170, 10, 250, 100),  # Nagqu, the north
    "540300": (430, 30, 160, 120),  # Chamdo, the east
    "540200": (170, 120, 140, 110),  # Shigatse, the south-west
    "540100": (320, 120, 95, 60),  # Lhasa
    "540500": (320, 190, 95, 70),  # Shannan, the south
    "540400": (425, 160, 165, 100),  # Nyingchi, the south-east
}

# (lowest progress, css class), highest band first.
BANDS = [(1.0, "map-tile-done"), (0.8, "map-tile-good"), (0.6, "map-tile-mid"), (0.0, "map-tile-behind")]
NO_TARGET = "map-tile-none"


def band(progress: float | None) -> str:
    if progress is None:
        return NO_TARGET
    for lowest, css in BANDS:
        if progress >= lowest:
            return css
    return BANDS[-1][1]


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    url: str
    progress: float | None
    x: int
    y: int
    width: int
    height: int

    @property
    def progress_text(self) -> str:
        return percent(self.progress)

    @property
    def css(self) -> str:
        return band(self.progress)

    @property
    def label_x(self) -> int:
        return self.x + self.width // 2

    @property
    def label_y(self) -> int:
        return self.y + self.height // 2 - 4

    @property
    def value_y(self) -> int:
        return self.label_y + 20


def tiles(units) -> list[Tile]:
    """Tiles for the units that are prefectures (rows with an area whose code has a tile)."""
    found = []
    for unit in units:
        area = unit.target.area
        if area is None or area.code not in TILES:
            continue
        x, y, width, height = TILES[area.code]
        progress = unit.figures.get("target_progress")
        found.append(Tile(area.code, area.name, unit.url, progress, x, y, width, height))
    return found
