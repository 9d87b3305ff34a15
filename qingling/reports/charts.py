"""Charts drawn on the server as inline SVG: no JavaScript, no chart library, no CDN.

Each function takes a title and a sequence of ``Bar`` (label, value) and returns the
``<svg>`` as safe markup. The SVG scales with its ``viewBox`` (a phone shows the
whole chart), carries a ``<title>`` and a ``<desc>`` listing every value for screen
readers, and every text in it is escaped. The dashboard shows the same numbers in a
table beside each chart (``Chart.bars``).
"""

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 600
FONT = 13
SMALL = 11
BAR_COLOUR = "#b3261e"
INK = "#1d1d1f"
MUTED = "#5f6368"
GRID = "#d9d9de"
Number = int | Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number
    display: str = ""  # how the value is written; str(value) when empty
    href: str = ""  # the records behind the value, for the table beside the chart

    @property
    def text(self) -> str:
        return self.display or str(self.value)


@dataclass(frozen=True)
class Chart:
    """A chart and the numbers it draws, for a figure with a table beside it."""

    id: str
    title: str
    label_header: str
    value_header: str
    bars: tuple[Bar, ...]
    svg: SafeString


def _text_width(text: str, size: int) -> float:
    """Rough width of a text in user units: CJK and full-width characters are square."""
    return sum(
        size if unicodedata.east_asian_width(ch) in {"W", "F"} else size * 0.6 for ch in text
    )


def _fit(text: str, width: float, size: int) -> str:
    """Shorten a text with an ellipsis to fit ``width`` (the full text is in the table)."""
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _safe_id(chart_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", chart_id) or "chart"


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above ``value`` (the axis maximum)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover (the loop ends at 10)


def _tick(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


def _open(chart_id: str, title: str, bars: Sequence[Bar], height: float) -> list[str]:
    ident = _safe_id(chart_id)
    summary = "; ".join(f"{bar.label}: {bar.text}" for bar in bars) or _("No data.")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" role="img" class="chart" '
        f'aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(summary)}</desc>',
    ]


def _empty(chart_id: str, title: str) -> SafeString:
    parts = _open(chart_id, title, (), 60)
    parts.append(
        f'<text x="{WIDTH / 2:.0f}" y="35" text-anchor="middle" fill="{MUTED}">'
        f"{escape(_('No data for this period.'))}</text></svg>"
    )
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def bar_chart(*, chart_id: str, title: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars, one row per label: long labels (channels, divisions) stay readable
    on a narrow screen. Zero values draw no bar but keep their row and number."""
    if not bars:
        return _empty(chart_id, title)
    row, top, label_width, value_room = 30, 8, 190.0, 90.0
    height = top * 2 + row * len(bars)
    plot = WIDTH - label_width - value_room
    highest = max(float(bar.value) for bar in bars)
    scale = plot / highest if highest > 0 else 0.0
    parts = _open(chart_id, title, bars, height)
    for index, bar in enumerate(bars):
        y = top + index * row
        length = max(float(bar.value), 0.0) * scale
        middle = y + row / 2
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.text)}</title>"
            f'<text x="{label_width - 8:.0f}" y="{middle:.1f}" text-anchor="end" '
            f'dominant-baseline="middle" fill="{INK}">'
            f"{escape(_fit(bar.label, label_width - 12, FONT))}</text>"
            f'<rect x="{label_width:.0f}" y="{y + 5:.1f}" width="{length:.1f}" '
            f'height="{row - 10}" fill="{BAR_COLOUR}" rx="2"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{middle:.1f}" '
            f'dominant-baseline="middle" fill="{INK}">{escape(bar.text)}</text></g>'
        )
    parts.append(
        f'<line x1="{label_width:.0f}" y1="{top}" x2="{label_width:.0f}" '
        f'y2="{height - top:.0f}" stroke="{MUTED}"/></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def column_chart(*, chart_id: str, title: str, bars: Sequence[Bar]) -> SafeString:
    """Vertical columns over an axis from zero (e.g. money by month), with gridlines at
    quarters of a rounded maximum; the exact values are in the table beside it."""
    if not bars:
        return _empty(chart_id, title)
    left, right, top, bottom, height = 78.0, 10.0, 12.0, 34.0, 260.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    axis_max = _nice_ceiling(max(float(bar.value) for bar in bars))
    parts = _open(chart_id, title, bars, height)
    for quarter in range(5):
        value = axis_max * quarter / 4
        y = top + plot_h - plot_h * quarter / 4
        parts.append(
            f'<line x1="{left:.0f}" y1="{y:.1f}" x2="{WIDTH - right:.0f}" y2="{y:.1f}" '
            f'stroke="{GRID if quarter else MUTED}"/>'
            f'<text x="{left - 6:.0f}" y="{y:.1f}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="{SMALL}" fill="{MUTED}">{escape(_tick(value))}</text>'
        )
    slot = plot_w / len(bars)
    column = max(min(slot * 0.7, 60.0), 1.0)
    every = max(1, math.ceil(len(bars) * 52 / plot_w))  # thin the labels when crowded
    for index, bar in enumerate(bars):
        x = left + slot * index + (slot - column) / 2
        h = plot_h * max(float(bar.value), 0.0) / axis_max
        parts.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.text)}</title>"
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{column:.1f}" '
            f'height="{h:.1f}" fill="{BAR_COLOUR}" rx="2"/></g>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{x + column / 2:.1f}" y="{height - bottom + 18:.0f}" '
                f'text-anchor="middle" font-size="{SMALL}" fill="{INK}">'
                f"{escape(_fit(bar.label, slot * every - 4, SMALL))}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
