"""Server-side SVG: the 90-day bar and the latency chart. Pure functions returning Markup.

No script and no inline style: colours come from classes in style.css, so the
Content-Security-Policy stays strict. Every piece of text is escaped here,
since the result is marked safe for the template.

Accessibility: a chart is `role="img"` named by its <title> and described by a
<desc> summary. The day bar is a `role="group"` <div> named by aria-label around
an <svg> without a role: a role="img" parent would hide its children, which
each carry their own label (date, availability, SLA compliance, incidents) as
<title> tooltip and aria-label, and HTML allows no other role on <svg>.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from statuspage.presentation.days import DayCell
from statuspage.presentation.display import day_month_text, format_ms, weekday_day_text
from storage.figures.timebuckets import HOUR, day_start, local_date
from storage.queries.series import SeriesPoint

BAR_CELL_WIDTH = 8
BAR_GAP = 2
BAR_HEIGHT = 34

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 70, 16, 14, 54  # plot margins: room for tick labels and axis titles


def day_bar(cells: Sequence[DayCell], *, label: str) -> Markup:
    """One rect per day, oldest on the left; the level picks the colour class."""
    pitch = BAR_CELL_WIDTH + BAR_GAP
    width = max(len(cells) * pitch - BAR_GAP, 1)
    name = escape(label)
    parts = [
        f'<div class="day-bar-group" role="group" aria-label="{name}">'
        f'<svg class="day-bar" viewBox="0 0 {width} {BAR_HEIGHT}" preserveAspectRatio="none"'
        ' focusable="false">'
    ]
    for index, cell in enumerate(cells):
        text = escape(cell.label)
        parts.append(
            f'<rect x="{index * pitch}" width="{BAR_CELL_WIDTH}" height="{BAR_HEIGHT}" rx="1.5"'
            f' class="lvl-{cell.level}" role="img" aria-label="{text}"><title>{text}</title></rect>'
        )
    parts.append("</svg></div>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above


@dataclass(frozen=True, slots=True)
class ChartFrame:
    """What a latency chart spans and how its axes read."""

    title: str  # the chart's accessible name, e.g. "Latency over the last 24 hours"
    start: datetime  # left edge (UTC)
    end: datetime  # right edge (UTC)
    step: timedelta  # bucket length: points further apart than this leave a gap
    ticks: tuple[tuple[datetime, str], ...]  # x-axis ticks and their labels
    x_title: str  # e.g. "Time (Europe/Berlin)"
    sla_ms: float
    id_prefix: str  # unique on the page, for aria-labelledby


def latency_chart(points: Sequence[SeriesPoint], frame: ChartFrame) -> Markup:
    """p50 (solid) and p95 (dashed) lines, the SLA as a dotted horizontal line."""
    measured = [p for p in points if p.p50_ms is not None and p.p95_ms is not None]
    top_ms = nice_ceiling(max([frame.sla_ms, *(p.p95_ms or 0 for p in measured)]) * 1.1)
    scale = _Scale(frame, top_ms)
    tid, did = f"{frame.id_prefix}-title", f"{frame.id_prefix}-desc"
    parts = [
        f'<svg class="latency-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-labelledby="{tid} {did}" focusable="false">'
        f'<title id="{tid}">{escape(frame.title)}</title>'
        f'<desc id="{did}">{escape(chart_summary(measured, len(points), frame))}</desc>',
        _y_axis(scale, top_ms),
        _x_axis(scale, frame),
        _sla_line(scale, frame.sla_ms),
    ]
    for attribute, css in (("p95_ms", "line-p95"), ("p50_ms", "line-p50")):
        parts.extend(_series(scale, measured, attribute, css, frame.step))
    if not measured:
        x, y = (LEFT + WIDTH - RIGHT) / 2, (TOP + HEIGHT - BOTTOM) / 2
        parts.append(f'<text class="no-data" x="{x:.0f}" y="{y:.0f}">No data</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped


@dataclass(frozen=True, slots=True)
class _Scale:
    frame: ChartFrame
    top_ms: float

    def x(self, at: datetime) -> float:
        span = (self.frame.end - self.frame.start).total_seconds() or 1.0
        fraction = (at - self.frame.start).total_seconds() / span
        return LEFT + fraction * (WIDTH - LEFT - RIGHT)

    def y(self, ms: float) -> float:
        fraction = min(ms / self.top_ms, 1.0) if self.top_ms else 0.0
        return HEIGHT - BOTTOM - fraction * (HEIGHT - BOTTOM - TOP)


NICE_STEPS = (1.0, 1.2, 1.6, 2.0, 2.4, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)  # each splits into 4 ticks


def nice_ceiling(value: float) -> float:
    """The smallest "nice" number (a NICE_STEPS value times a power of ten) >= `value`,
    so the axis ends just above the data and its quarter ticks read well."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return float(next(step * power for step in NICE_STEPS if step * power >= value - 1e-9))


def axis_ms(value: float) -> str:
    return f"{value / 1000:g} s" if value >= 1000 else f"{value:g} ms"


def _y_axis(scale: _Scale, top_ms: float) -> str:
    parts = ['<g class="axis y-axis">']
    for index in range(5):
        ms = top_ms * index / 4
        y = scale.y(ms)
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{axis_ms(ms)}</text>'
        )
    middle = (TOP + HEIGHT - BOTTOM) / 2
    parts.append(
        f'<text class="axis-title" x="16" y="{middle:.0f}" text-anchor="middle"'
        f' transform="rotate(-90 16 {middle:.0f})">Latency</text></g>'
    )
    return "".join(parts)


def _x_axis(scale: _Scale, frame: ChartFrame) -> str:
    base = HEIGHT - BOTTOM
    parts = [
        f'<g class="axis x-axis"><line class="axis-line" x1="{LEFT}" x2="{WIDTH - RIGHT}"'
        f' y1="{base}" y2="{base}"/>'
    ]
    for at, label in frame.ticks:
        x = scale.x(at)
        parts.append(
            f'<line class="tick" x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 5}"/>'
            f'<text x="{x:.1f}" y="{base + 18}" text-anchor="middle">{escape(label)}</text>'
        )
    centre = (LEFT + WIDTH - RIGHT) / 2
    parts.append(
        f'<text class="axis-title" x="{centre:.0f}" y="{HEIGHT - 8}" text-anchor="middle">'
        f"{escape(frame.x_title)}</text></g>"
    )
    return "".join(parts)


def _sla_line(scale: _Scale, sla_ms: float) -> str:
    y = scale.y(sla_ms)
    return (
        f'<line class="sla-line" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        f'<text class="sla-label" x="{WIDTH - RIGHT - 4}" y="{y - 5:.1f}" text-anchor="end">'
        f"SLA {axis_ms(sla_ms)}</text>"
    )


def _series(
    scale: _Scale, points: Sequence[SeriesPoint], attribute: str, css: str, step: timedelta
) -> list[str]:
    """Polylines through bucket middles, broken where buckets are missing."""
    parts: list[str] = []
    for run in _runs(points, step):
        coords = [(scale.x(p.bucket_start + step / 2), scale.y(getattr(p, attribute))) for p in run]
        if len(coords) == 1:
            ((x, y),) = coords
            parts.append(f'<circle class="{css} dot" cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>')
        else:
            text = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(f'<polyline class="{css}" points="{text}"/>')
    return parts


def _runs(points: Sequence[SeriesPoint], step: timedelta) -> list[list[SeriesPoint]]:
    runs: list[list[SeriesPoint]] = []
    for point in points:
        # 1.5 steps: a DST day or hour is longer than `step` but is no gap.
        if runs and point.bucket_start - runs[-1][-1].bucket_start <= step * 1.5:
            runs[-1].append(point)
        else:
            runs.append([point])
    return runs


def chart_summary(measured: Sequence[SeriesPoint], buckets: int, frame: ChartFrame) -> str:
    if not measured:
        return f"No successful probes in this period. SLA {axis_ms(frame.sla_ms)}."
    p50 = [p.p50_ms for p in measured if p.p50_ms is not None]
    p95 = [p.p95_ms for p in measured if p.p95_ms is not None]
    over = sum(1 for value in p95 if value > frame.sla_ms)
    return (
        f"p50 between {axis_ms(round(min(p50)))} and {axis_ms(round(max(p50)))}; "
        f"p95 between {axis_ms(round(min(p95)))} and {axis_ms(round(max(p95)))}; "
        f"SLA {axis_ms(frame.sla_ms)}, p95 above it in {over} of {len(measured)} periods "
        f"with data ({buckets} stored)."
    )


def hour_ticks(
    start: datetime, end: datetime, tz: ZoneInfo, every_hours: int
) -> tuple[tuple[datetime, str], ...]:
    """Ticks on local wall-clock hours divisible by `every_hours`, labelled "HH:00"."""
    ticks = []
    at = start.replace(minute=0, second=0, microsecond=0)
    while at <= end:
        local = at.astimezone(tz)
        if at >= start and local.minute == 0 and local.hour % every_hours == 0:
            ticks.append((at, f"{local:%H}:00"))
        at += HOUR
    return tuple(ticks)


def day_ticks(
    start: datetime, end: datetime, tz: ZoneInfo, *, weekday: int | None = None
) -> tuple[tuple[datetime, str], ...]:
    """Ticks at local midnights (only on `weekday` if given), labelled "Mon 23" or "23 Nov"."""
    ticks = []
    day = local_date(start, tz)
    while (at := day_start(day, tz)) <= end:
        if at >= start and (weekday is None or day.weekday() == weekday):
            ticks.append((at, _day_label(day, weekly=weekday is not None)))
        day += timedelta(days=1)
    return tuple(ticks)


def _day_label(day: date, *, weekly: bool) -> str:
    return day_month_text(day) if weekly else weekday_day_text(day)


PHASE_WIDTH, PHASE_HEIGHT = 600, 28


def phase_bar(segments: Sequence[tuple[str, float, str]], *, title: str) -> Markup:
    """A stacked bar of (name, milliseconds, css class) segments, left to right."""
    total = sum(ms for _, ms, _ in segments) or 1.0
    name = escape(title)
    parts = [
        f'<svg class="phase-bar" viewBox="0 0 {PHASE_WIDTH} {PHASE_HEIGHT}"'
        f' preserveAspectRatio="none" role="img" aria-label="{name}" focusable="false">'
        f"<title>{name}</title>"
    ]
    x = 0.0
    for label, ms, css in segments:
        width = ms / total * PHASE_WIDTH
        parts.append(
            f'<rect class="{css}" x="{x:.1f}" width="{width:.1f}" height="{PHASE_HEIGHT}">'
            f"<title>{escape(label)}: {format_ms(ms)}</title></rect>"
        )
        x += width
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped
