"""How ratios read on a dashboard: one decimal, a dash where there is nothing to divide by."""


def percent(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"{ratio * 100:.1f}%"


def bar_width(ratio: float | None) -> int:
    """A progress bar's width in whole percent, capped at 100 (the text shows the real figure)."""
    if ratio is None:
        return 0
    return max(0, min(100, round(ratio * 100)))
