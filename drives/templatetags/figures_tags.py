"""Showing figures: ratios as percentages, changes with their sign, a figure by name."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def signed(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{value:+,}" if isinstance(value, int) else f"{value:+.1f}"


@register.filter
def count(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{value:,}"


@register.filter
def figure(figures, name):
    if not figures:
        return None
    return figures.get(name)


@register.filter
def raw(value) -> str:
    """A figure as a machine reads it back (data-value): "" for none (不适用), never localised."""
    return "" if value is None or value == "" else repr(value)
