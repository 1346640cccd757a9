"""How values read on the page: status labels, times, durations, clean text.

Every label carries words, never only a colour: the templates pair each
`key` with an icon and the `label` text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from statuspage.presentation.markdown import strip_control_characters
from storage.freshness import NO_RECENT_DATA
from storage.vocabulary import ComponentStatus, Impact, IncidentStatus

NO_DATA = "no-data"
COMPONENT_STATUSES = frozenset(ComponentStatus)
INCIDENT_STATUSES = frozenset(IncidentStatus)
IMPACTS = frozenset(Impact)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class StatusBadge:
    key: str  # a component status, or "no-data"; names the icon and the CSS class
    label: str  # what the reader sees next to the icon


@dataclass(frozen=True, slots=True)
class TimeText:
    """One instant, written for people in the site's zone and in UTC."""

    iso: str  # UTC, for <time datetime> and the enhancing script
    local: str  # e.g. "26 Nov 2026, 11:15 CET"
    utc: str  # e.g. "26 Nov 2026, 10:15 UTC"
    same_zone: bool  # the site runs on UTC: show one of the two


def status_badge(status: str | None) -> StatusBadge:
    """A component status as shown, in Title Case as Statuspage writes statuses; None
    (nothing recorded yet) reads "No Data Yet", and a component whose results stopped
    arriving "No Recent Data" (never its last status)."""
    if status == NO_RECENT_DATA:
        return StatusBadge(NO_DATA, "No Recent Data")
    if status is None or status not in COMPONENT_STATUSES:
        return StatusBadge(NO_DATA, "No Data Yet")
    return StatusBadge(status, ComponentStatus(status).label)


def worst_status(statuses: list[str | None]) -> str | None:
    known = [ComponentStatus(s) for s in statuses if s in COMPONENT_STATUSES]
    return max(known, key=lambda s: s.rank) if known else None


def incident_status_label(status: str) -> str:
    if status in INCIDENT_STATUSES:
        return IncidentStatus(status).label
    return clean_text(status).capitalize()


def impact_label(impact: str) -> str:
    return Impact(impact).label if impact in IMPACTS else clean_text(impact)


# Unicode's explicit direction marks, embeddings, overrides and isolates. One of them
# in a name ("\u202e" flips what follows it) would run on into the text around the
# name on the page ("API: Major outage" read backwards) unless the name is isolated.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_FIRST_STRONG_ISOLATE, _POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"
_ISOLATE_INITIATORS = frozenset("\u2066\u2067\u2068")


def clean_text(text: str | None) -> str:
    """Operator- or service-supplied text without control characters; escaping is
    left to the template, which escapes everything it did not build itself.

    Text holding a direction control is shown between a first-strong isolate and its
    pop: the pop ends every embedding and override opened inside (Unicode's
    bidirectional algorithm, UAX #9), so the text reads as stored but cannot turn the
    text around it; a pop the text did not open is left out, as it would end the
    isolate early. Other text is returned as it is."""
    if text is None:
        return ""
    cleaned = strip_control_characters(text)
    if _BIDI_CONTROLS.isdisjoint(cleaned):
        return cleaned
    return _FIRST_STRONG_ISOLATE + _without_unopened_pops(cleaned) + _POP_DIRECTIONAL_ISOLATE


def _without_unopened_pops(text: str) -> str:
    """`text` less each isolate pop that no isolate in `text` opened: such a pop would
    close the isolate around it early and let what follows run on outside."""
    kept, open_isolates = [], 0
    for character in text:
        if character in _ISOLATE_INITIATORS:
            open_isolates += 1
        elif character == _POP_DIRECTIONAL_ISOLATE:
            if open_isolates == 0:
                continue
            open_isolates -= 1
        kept.append(character)
    return "".join(kept)


def date_text(day: date) -> str:
    """ "26 Nov 2026", the same whatever the server's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def weekday_date_text(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {date_text(day)}"


def day_month_text(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]}"


def weekday_day_text(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.day}"


def time_text(at: datetime, tz: ZoneInfo) -> TimeText:
    local, utc = at.astimezone(tz), at.astimezone(UTC)
    return TimeText(
        iso=utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        local=f"{date_text(local)}, {local:%H:%M} {local.tzname()}",
        utc=f"{date_text(utc)}, {utc:%H:%M} UTC",
        same_zone=tz.key in ("UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu"),
    )


def time_line(at: datetime, tz: ZoneInfo) -> str:
    """One instant in a line of text, as the page's times read: "6 Dec 2026, 05:47 CET
    (04:47 UTC)", the UTC date repeated only when it differs; on a UTC site, once."""
    shown = time_text(at, tz)
    if shown.same_zone:
        return shown.utc
    local, utc = at.astimezone(tz), at.astimezone(UTC)
    in_utc = f"{utc:%H:%M} UTC" if local.date() == utc.date() else shown.utc
    return f"{shown.local} ({in_utc})"


def format_ms(value: float) -> str:
    """Latency for people: "4.2 ms", "312 ms", "1.24 s", "2 s"."""
    if value < 10:
        return f"{value:.1f} ms"
    if value < 999.5:
        return f"{value:.0f} ms"
    return f"{value / 1000:.2f}".rstrip("0").rstrip(".") + " s"


def percent_text(text: str) -> str:
    """A `Figures.*_text()` value with its unit; "no data" stays as it is."""
    return text if text == "no data" else f"{text} %"
