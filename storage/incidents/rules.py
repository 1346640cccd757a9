"""What an incident, maintenance or update write must satisfy, and the values it may take.

Pure: no database. `IncidentError` names the field at fault, which forms and the
API show as is; `storable` makes text storable on both databases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from storage.vocabulary import ComponentStatus, Impact, IncidentKind, IncidentStatus, Severity

INCIDENT_STATUSES = (
    IncidentStatus.INVESTIGATING,
    IncidentStatus.IDENTIFIED,
    IncidentStatus.MONITORING,
    IncidentStatus.RESOLVED,
    IncidentStatus.POSTMORTEM,
)
MAINTENANCE_STATUSES = (
    IncidentStatus.SCHEDULED,
    IncidentStatus.IN_PROGRESS,
    IncidentStatus.VERIFYING,
    IncidentStatus.COMPLETED,
)
ENDING = frozenset({IncidentStatus.RESOLVED, IncidentStatus.COMPLETED})
MAX_NAME = 300
MAX_BODY = 20_000

# The range of times an incident or maintenance may carry, so that every one has a
# month the history can show (`/history?month=`, the export). FIRST_YEAR is the
# history's first year; 14:00 UTC on its first day is already in that year in every
# time zone (UTC-12 to UTC+14), whatever the site's zone. Maintenance may be planned
# up to SCHEDULE_AHEAD, within the year ahead the history shows.
FIRST_YEAR = 2000
EARLIEST_TIME = datetime(FIRST_YEAR, 1, 1, 14, tzinfo=UTC)
SCHEDULE_AHEAD = timedelta(days=365)


class IncidentError(ValueError):
    """A field of an incident write is not acceptable; `field` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        self.message = message
        super().__init__(f"{field_name}: {message}")


@dataclass(frozen=True, slots=True)
class NewIncident:
    name: str
    status: str
    body: str
    severity: str | None = None
    components: Mapping[str, str] = field(default_factory=dict)  # id -> status to show
    impact: str | None = None  # None: derived from the components
    started_at: datetime | None = None  # None: now; earlier: back-dated
    draft: bool = False
    author: str | None = None
    kind: str = IncidentKind.INCIDENT
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None
    notify_subscribers: bool = True  # a draft notifies nobody until it is published


@dataclass(frozen=True, slots=True)
class NewUpdate:
    status: str
    body: str
    # None: leave statuses as they are, except that resolving (or completing)
    # sets every affected component back to operational.
    components: Mapping[str, str] | None = None
    author: str | None = None
    notify_subscribers: bool = True  # Statuspage's `deliver_notifications`


def derive_impact(statuses: Sequence[str]) -> Impact:
    """An incident takes the worst impact its components' statuses imply."""
    impacts = [ComponentStatus(s).impact for s in statuses]
    return max(impacts, key=lambda impact: impact.rank, default=Impact.NONE)


def worse_impact(a: str, b: str) -> str:
    return a if Impact(a).rank >= Impact(b).rank else b


def worse_status(a: str, b: str) -> str:
    """The worse of two component statuses, ranked by the impact each implies
    (operational < under maintenance < degraded < partial < major outage)."""
    return a if ComponentStatus(a).rank >= ComponentStatus(b).rank else b


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """Text as both databases can store it: a lone surrogate cannot be encoded at all
    (it becomes U+FFFD) and PostgreSQL refuses NUL (it is dropped). Everything else,
    markup and other control characters included, is kept exactly and made inert on
    output."""
    return _LONE_SURROGATE.sub("\ufffd", text.replace("\x00", ""))


# Characters that show nothing: spaces of every width, line breaks, control and
# format characters (zero-width spaces and joiners, the byte-order mark).
_INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


def is_blank(text: str) -> bool:
    """True when a reader would see nothing: a message of only spaces is no message."""
    return all(unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in text)


def check_text(name: str, body: str) -> None:
    if is_blank(name):
        raise IncidentError("name", "a title is required")
    if len(name) > MAX_NAME:
        raise IncidentError("name", f"at most {MAX_NAME} characters")
    if len(body) > MAX_BODY:
        raise IncidentError("body", f"at most {MAX_BODY} characters")


def check_new(new: NewIncident) -> None:
    check_text(new.name, new.body)
    allowed = MAINTENANCE_STATUSES if new.kind == IncidentKind.MAINTENANCE else INCIDENT_STATUSES
    if new.status not in allowed:
        raise IncidentError("status", f"expected one of {', '.join(allowed)}")
    if new.kind == IncidentKind.INCIDENT and is_blank(new.body):
        raise IncidentError("body", "the first update needs a message")
    if new.severity is not None and new.severity not in set(Severity):
        raise IncidentError("severity", "expected P0, P1, P2 or P3")
    if new.impact is not None and new.impact not in set(Impact):
        raise IncidentError("impact", "expected none, minor, major, critical or maintenance")
    check_component_statuses(new.components)
    if new.kind == IncidentKind.MAINTENANCE:
        check_window(new.scheduled_for, new.scheduled_until)


def check_component_statuses(components: Mapping[str, str]) -> None:
    for component_id, status in components.items():
        if status not in set(ComponentStatus):
            raise IncidentError(
                f"components.{component_id}", f"unknown component status {status!r}"
            )


def check_time_range(field_name: str, at: datetime | None, now: datetime) -> None:
    """`at` (None: not given) is a time an incident or maintenance may carry."""
    if at is None:
        return
    if at < EARLIEST_TIME:
        raise IncidentError(field_name, f"must be after {FIRST_YEAR}-01-01 14:00 UTC")
    if at > now + SCHEDULE_AHEAD:
        raise IncidentError(field_name, f"must be at most {SCHEDULE_AHEAD.days} days ahead")


def check_times(new: NewIncident, now: datetime) -> None:
    check_time_range("started_at", new.started_at, now)
    check_time_range("scheduled_for", new.scheduled_for, now)
    check_time_range("scheduled_until", new.scheduled_until, now)


def check_window(start: datetime | None, end: datetime | None) -> None:
    if start is None:
        raise IncidentError("scheduled_for", "a start time is required")
    if end is None:
        raise IncidentError("scheduled_until", "an end time is required")
    if end <= start:
        raise IncidentError("scheduled_until", "must be after the start")
