"""Line charts as inline SVG, drawn on the server: one polyline per experiment over shared axes,
readable without JavaScript (each line's <title> names its experiment on hover)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

# Distinct strokes, in the order the compared experiments are listed (the legend uses the same).
COLOURS = ("#0969da", "#d1242f", "#1a7f37", "#8250df", "#bc4c00", "#1b7c83", "#bf3989", "#6e7781", "#4d2d00", "#953800")
WIDTH, HEIGHT = 440, 250
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 28, 34


def colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


def line_chart(title: str, lines: Sequence[tuple[str, Sequence[tuple[float, float]]]]) -> Markup:
    """``lines``: ``(experiment name, [(x, y), ...])`` in legend order; a line without points is
    skipped but keeps its colour."""
    points = [p for _, line in lines for p in line]
    if not points:
        return Markup("")
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x_range, y_range = _padded(min(xs), max(xs)), _padded(min(ys), max(ys), margin=0.05)

    def at(x: float, y: float) -> str:
        px = LEFT + (x - x_range[0]) / (x_range[1] - x_range[0]) * (WIDTH - LEFT - RIGHT)
        py = HEIGHT - BOTTOM - (y - y_range[0]) / (y_range[1] - y_range[0]) * (HEIGHT - TOP - BOTTOM)
        return f"{px:.1f},{py:.1f}"

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" data-metric="{escape(title)}">',
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" height="{HEIGHT - TOP - BOTTOM}" '
        'fill="none" stroke="#d1d9e0"/>',
    ]
    for y in _ticks(*y_range):
        _, py = at(x_range[0], y).split(",")
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{py}" y2="{py}" stroke="#eaeef2"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{float(py) + 4:.1f}" font-size="10" text-anchor="end">{y:.4g}</text>')
    for x in _ticks(*x_range, integers=True):
        px, _ = at(x, y_range[0]).split(",")
        parts.append(f'<text x="{px}" y="{HEIGHT - BOTTOM + 14}" font-size="10" text-anchor="middle">{x:g}</text>')
    middle = (WIDTH + LEFT) / 2
    parts.append(f'<text x="{middle:.0f}" y="{HEIGHT - 4}" font-size="10" text-anchor="middle">epoch</text>')
    for index, (name, line) in enumerate(lines):
        if not line:
            continue
        coords = " ".join(at(x, y) for x, y in line)
        parts.append(
            f'<polyline data-experiment="{escape(name)}" points="{coords}" fill="none" '
            f'stroke="{colour(index)}" stroke-width="2"><title>{escape(name)}</title></polyline>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _padded(low: float, high: float, margin: float = 0.0) -> tuple[float, float]:
    """The range, widened by ``margin`` of itself on each side (a line on the frame is hard to see)."""
    if high == low:  # a flat line (or one point): give it room
        pad = abs(low) * 0.05 or 1.0
        return low - pad, high + pad
    pad = (high - low) * margin
    return low - pad, high + pad


def _ticks(low: float, high: float, integers: bool = False) -> list[float]:
    """About five round values between ``low`` and ``high``."""
    raw = (high - low) / 4
    step = 10 ** math.floor(math.log10(raw))
    step = next(m * step for m in (1, 2, 5, 10) if m * step >= raw)
    if integers:
        step = max(1.0, round(step))
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]
