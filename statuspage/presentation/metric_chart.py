"""A metric's chart against its target: server-rendered SVG, pure, returning Markup.

Like the page's latency chart (`statuspage/web/svg.py`): no script and no inline style
(colours come from classes), `role="img"` named by its <title> and described by a
<desc>, and every piece of text escaped here, since the result is marked safe. It is
here, below the web edges, because the admin dashboard and the public page both draw it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT = 320, 90
LEFT, RIGHT, TOP, BOTTOM = 44, 6, 8, 16


@dataclass(frozen=True, slots=True)
class ChartLine:
    key: str  # the metric's id (a slug): the chart's element ids
    title: str
    unit: str
    points: Sequence[tuple[datetime, float]]  # oldest first
    target: float | None = None  # drawn as a dashed line
    since: datetime | None = None  # the left edge (default: the first point)
    until: datetime | None = None  # the right edge (default: the last point)


def format_value(value: float, unit: str, *, beside: float | None = None) -> str:
    """`12.3 ms`, `0.42 %`, `1,204`: three significant figures, thousands grouped.

    `beside`: a target the value is read against. Rounding must not carry the value
    onto or across it (99.985 % beside a target of 99.99 % is not "100%"), so more
    decimals are shown until it stays on its own side.
    """
    text = _number(value)
    if beside is not None and _side(float(text.replace(",", "")), beside) != _side(value, beside):
        for decimals in range(1, 7):
            text = f"{value:,.{decimals}f}"
            if _side(round(value, decimals), beside) == _side(value, beside):
                break
    spacer = "" if unit in ("", "%") or unit.startswith("/") else " "
    return f"{text}{spacer}{unit}"


def format_target(value: float, unit: str) -> str:
    """A target as configured (`99.99%`, `1,000 ms`, `0.01%`): up to six significant
    figures, so it is never rounded into another target."""
    spacer = "" if unit in ("", "%") or unit.startswith("/") else " "
    return f"{value:,.6g}{spacer}{unit}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _side(value: float, target: float) -> int:
    return (value > target) - (value < target)


def metric_chart(line: ChartLine) -> Markup:
    values = [v for _, v in line.points]
    if line.target is not None:
        values.append(line.target)
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    low = min(low, 0.0)
    high = high if high > low else low + 1.0
    start = line.since or (line.points[0][0] if line.points else None)
    end = line.until or (line.points[-1][0] if line.points else None)
    parts = [
        f'<svg class="metric-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-labelledby="{_id(line)}-t {_id(line)}-d" focusable="false">',
        f'<title id="{_id(line)}-t">{escape(line.title)}</title>',
        f'<desc id="{_id(line)}-d">{escape(chart_summary(line))}</desc>',
        _axis(low, high, line.unit),
    ]
    if line.target is not None:
        y = _y(line.target, low, high)
        parts.append(
            f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
    if start is not None and end is not None and line.points:
        span = max((end - start).total_seconds(), 1.0)
        coords = " ".join(
            f"{_x((at - start).total_seconds() / span):.1f},{_y(v, low, high):.1f}"
            for at, v in line.points
        )
        parts.append(f'<polyline class="series" points="{coords}"/>')
        # The newest point as a dot: a lone point (the first minutes) draws no line.
        at, value = line.points[-1]
        x, y = _x((at - start).total_seconds() / span), _y(value, low, high)
        parts.append(f'<circle class="latest" cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above


def chart_summary(line: ChartLine) -> str:
    if not line.points:
        return "No data yet."
    values = [v for _, v in line.points]
    text = (
        f"{len(values)} points from {format_value(min(values), line.unit)}"
        f" to {format_value(max(values), line.unit)};"
        f" latest {format_value(values[-1], line.unit)}."
    )
    if line.target is not None:
        text += f" Target {format_target(line.target, line.unit)}."
    return text


def _axis(low: float, high: float, unit: str) -> str:
    bottom, top = HEIGHT - BOTTOM, TOP
    return (
        f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{top}" y2="{bottom}"/>'
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}"/>'
        f'<text class="tick" x="{LEFT - 4}" y="{top + 4}" text-anchor="end">'
        f"{escape(_tick(high, unit))}</text>"
        f'<text class="tick" x="{LEFT - 4}" y="{bottom}" text-anchor="end">'
        f"{escape(_tick(low, unit))}</text>"
    )


def _tick(value: float, unit: str) -> str:
    # A word of a unit ("connections") does not fit the axis's margin; the card's
    # value beside the chart names it.
    return format_value(value, unit if len(unit) <= 4 else "")


def _x(fraction: float) -> float:
    return LEFT + fraction * (WIDTH - LEFT - RIGHT)


def _y(value: float, low: float, high: float) -> float:
    return HEIGHT - BOTTOM - (value - low) / (high - low) * (HEIGHT - TOP - BOTTOM)


def _id(line: ChartLine) -> str:
    return "chart-" + line.key
