"""Shields-style SVG badges, drawn on the server: `label | message` in two colours.

Text is escaped and cleaned of control characters; widths are estimated from
Verdana 11px advance widths, as shields.io does, so no font is needed. Colours
are presentation attributes, not `style`, so the page's Content-Security-Policy
(style-src 'self') does not strip them when the badge is opened directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from statuspage.presentation.days import day_level, reported_level, reported_uptime_text
from statuspage.presentation.display import format_ms
from statuspage.presentation.markdown import strip_control_characters
from storage.figures.windows import Figures, LatencyFigures
from storage.freshness import NO_RECENT_DATA
from storage.vocabulary import ComponentStatus

MAX_TEXT = 60  # characters of a label or message; longer text is cut with "…"
GREEN, YELLOWGREEN, YELLOW, ORANGE = "#3c8527", "#6b8e00", "#9a6700", "#c2410c"
RED, BLUE, GREY, LABEL = "#b42318", "#0969da", "#6e7681", "#555"
_STATUS_COLOURS = {
    ComponentStatus.OPERATIONAL: GREEN,
    ComponentStatus.DEGRADED_PERFORMANCE: YELLOW,
    ComponentStatus.PARTIAL_OUTAGE: ORANGE,
    ComponentStatus.MAJOR_OUTAGE: RED,
    ComponentStatus.UNDER_MAINTENANCE: BLUE,
}
STATUS_WORDS: dict[str, tuple[str, str]] = {
    s: (s.label.lower(), colour) for s, colour in _STATUS_COLOURS.items()
}
LEVEL_COLOURS = {"good": GREEN, "fair": YELLOWGREEN, "poor": ORANGE, "bad": RED, "none": GREY}
NO_DATA = "no data"

# Verdana 11px advance widths (px) by character class; anything else is "other".
_NARROW = frozenset("fijlrtI!|.,:;'`()[]{} ")
_WIDE = frozenset("mwMW@%")
_UPPER_OR_DIGIT_WIDTH, _LOWER_WIDTH, _NARROW_WIDTH, _WIDE_WIDTH = 7.6, 6.6, 3.9, 10.5


@dataclass(frozen=True, slots=True)
class Badge:
    label: str
    message: str
    colour: str  # the message side's fill, a "#rrggbb" from this module


def status_badge(name: str, status: str | None) -> Badge:
    """None (nothing recorded yet) reads "no data", as the pages say it; a component
    whose results stopped arriving "no recent data"."""
    if status == NO_RECENT_DATA:
        return Badge(name, "no recent data", GREY)
    words, colour = STATUS_WORDS.get(status or "", (NO_DATA, GREY))
    return Badge(name, words, colour)


def uptime_badge(name: str, window: str, figures: Figures) -> Badge:
    """Availability rounded down, coloured by the day-cell thresholds of the page."""
    text = f"{figures.availability_text()} %" if figures.has_data else NO_DATA
    return Badge(f"{name} uptime {window}", text, LEVEL_COLOURS[day_level(figures)])


def reported_uptime_badge(name: str, window: str, up_ppm: int | None) -> Badge:
    """A manual component's uptime from its reported status (parts per million, as
    uptime.json's window), rounded down and coloured like its days."""
    text = reported_uptime_text(up_ppm)
    message = NO_DATA if text is None else f"{text} %"
    return Badge(f"{name} uptime {window}", message, LEVEL_COLOURS[reported_level(up_ppm)])


def latency_badge(
    name: str, window: str, latency: LatencyFigures | None, sla_ms: float | None
) -> Badge:
    """p95 against the SLA: within it green, within twice it yellow, beyond red."""
    label = f"{name} p95 {window}"
    if latency is None:
        return Badge(label, NO_DATA, GREY)
    p95 = latency.p95_ms
    if sla_ms is None:
        colour = BLUE
    elif p95 <= sla_ms:
        colour = GREEN
    else:
        colour = YELLOW if p95 <= 2 * sla_ms else RED
    return Badge(label, format_ms(p95), colour)


def text_width(text: str) -> float:
    total = 0.0
    for ch in text:
        if ch in _NARROW:
            total += _NARROW_WIDTH
        elif ch in _WIDE:
            total += _WIDE_WIDTH
        elif ch.isupper() or ch.isdigit():
            total += _UPPER_OR_DIGIT_WIDTH
        else:
            total += _LOWER_WIDTH
    return total


def _short(text: str) -> str:
    cleaned = " ".join(strip_control_characters(text).split())
    return cleaned if len(cleaned) <= MAX_TEXT else cleaned[: MAX_TEXT - 1] + "…"


def render_badge(badge: Badge) -> str:
    label, message = _short(badge.label), _short(badge.message)
    left = round(text_width(label) + 10)
    right = round(text_width(message) + 10)
    width = left + right
    title = escape(f"{label}: {message}")
    text_attrs = 'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" '
        f'role="img" aria-label="{title}"><title>{title}</title>'
        f'<clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="{LABEL}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{badge.colour}"/></g>'
        f'<g fill="#fff" text-anchor="middle" {text_attrs}>'
        f'<text x="{left / 2:.1f}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2:.1f}" y="14">{escape(message)}</text>'
        "</g></svg>"
    )
