"""Reading figures back from the pages, as a user (or the invariant test) sees them.

Pages show each figure through templates/dashboards/_figure.html:
`<span data-figure=NAME data-scope=KEY data-value=RAW>` with the text as
shown and, when the number has a list behind it, a link. `figures_in(html)`
returns them all; `row_count(html)` reads the count a list page shows
(`data-row-count`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser


@dataclass
class ShownFigure:
    name: str
    scope: str
    raw: str  # "" for none (不适用)
    text: str = ""
    href: str | None = None

    @property
    def value(self) -> int | float | None:
        if self.raw == "":
            return None
        return float(self.raw) if "." in self.raw or "e" in self.raw else int(self.raw)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[ShownFigure] = []
        self._open: ShownFigure | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._open is not None:
            self._depth += 1
            if tag == "a" and self._open.href is None:
                self._open.href = unescape(attrs.get("href") or "")
            return
        if "data-figure" in attrs and "data-value" in attrs:
            self._open = ShownFigure(attrs["data-figure"], attrs.get("data-scope", ""), attrs["data-value"])
            self._depth = 0

    def handle_endtag(self, tag):
        if self._open is None:
            return
        if self._depth == 0:
            self._open.text = self._open.text.strip()
            self.found.append(self._open)
            self._open = None
        else:
            self._depth -= 1

    def handle_data(self, data):
        if self._open is not None:
            self._open.text += data


def figures_in(html: str) -> list[ShownFigure]:
    parser = _Parser()
    parser.feed(html)
    return parser.found


def shown(html: str, name: str, scope: str | None = None) -> ShownFigure:
    """The first place the page shows figure name (of scope, when given)."""
    for figure in figures_in(html):
        if figure.name == name and (scope is None or figure.scope == scope):
            return figure
    raise AssertionError(f"the page shows no {name} for {scope or 'any scope'}")


_COUNT = re.compile(r'data-row-count="(\d+)"')


def row_count(html: str) -> int:
    match = _COUNT.search(html)
    assert match, "the list shows no row count"
    return int(match.group(1))


_BOARD = re.compile(r'data-board="([^"]*)"')


def board_figure(html: str, name: str) -> ShownFigure:
    """Figure name as a dashboard shows it for its own scope (not a unit's row)."""
    match = _BOARD.search(html)
    assert match, "not a dashboard"
    return shown(html, name, match.group(1))
