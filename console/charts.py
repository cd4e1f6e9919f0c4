"""Small server-side charts: SVG markup built from numbers, no scripts, no CDN."""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


def bar_chart(points: list[tuple[str, float]], *, title: str, height: int = 160) -> SafeString:
    """A bar per point, labelled below; accessible through its title and a table beside it."""
    width_per_bar, gap, top, bottom = 28, 6, 16, 36
    width = max(1, len(points)) * (width_per_bar + gap) + gap
    peak = max((value for _label, value in points), default=0) or 1
    usable = height - top - bottom
    parts = [format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {} {}" width="{}" '
        'height="{}" class="chart"><title>{}</title>', width, height, width, height, title)]
    for index, (label, value) in enumerate(points):
        x = gap + index * (width_per_bar + gap)
        bar = round(usable * value / peak)
        y = top + usable - bar
        parts.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#0b5d3b"><title>{}: {}</title>'
            '</rect><text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>'
            '<text x="{}" y="{}" font-size="9" text-anchor="end" transform="rotate(-60 {} {})">'
            '{}</text>',
            x, y, width_per_bar, bar, label, value, x + width_per_bar / 2, y - 3, value,
            x + width_per_bar / 2, height - bottom + 12, x + width_per_bar / 2,
            height - bottom + 12, label))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))


def heat_rgb(percent: float) -> tuple[int, int, int]:
    """White at 0 %, the brand green at 100 %, for a heatmap cell's background."""
    share = max(0.0, min(1.0, (percent or 0) / 100))
    return (round(255 - share * (255 - 11)), round(255 - share * (255 - 93)),
            round(255 - share * (255 - 59)))


def heat_colour(percent: float) -> str:
    return escape("rgb({},{},{})".format(*heat_rgb(percent)))


def heat_ink(percent: float) -> str:
    """Black or white text, whichever contrasts more with the cell (WCAG relative luminance)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in heat_rgb(percent))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    on_black, on_white = (luminance + 0.05) / 0.05, 1.05 / (luminance + 0.05)
    return "#000" if on_black >= on_white else "#fff"
