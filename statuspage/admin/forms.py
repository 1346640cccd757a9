"""Turning what an operator typed (a form or JSON) into storage's write requests.

Both the HTML forms and the write API go through these functions and the
storage layer's checks, so they accept and refuse exactly the same things.
Every refusal is an `IncidentError(field, message)`: the form shows it next to
the field and, in the list of problems above the form, under the field's label
(`FIELD_LABELS`, never the internal name); the API answers
`{"error": {"field", "message"}}` with the internal name, for scripts.

Times typed into a form are wall-clock times in the site's time zone (the form
says which); a time that a clock change skips does not exist and is refused,
and one that happens twice (clocks going back) means the first of the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from storage.incidents.rules import MAINTENANCE_STATUSES, IncidentError
from storage.vocabulary import (
    UNRESOLVED_INCIDENT,
    ComponentStatus,
    Impact,
    IncidentStatus,
    Severity,
)

TEXT_LIMIT = 40_000  # a form field longer than twice any stored text is cut, then refused
INCIDENT_FIRST_STATUSES = UNRESOLVED_INCIDENT
INCIDENT_UPDATE_STATUSES = (*UNRESOLVED_INCIDENT, IncidentStatus.RESOLVED)
MAINTENANCE_UPDATE_STATUSES = MAINTENANCE_STATUSES
COMPONENT_STATUSES = tuple(ComponentStatus)
SEVERITIES = tuple(Severity)
IMPACT_CHOICES = ("auto", Impact.NONE, Impact.MINOR, Impact.MAJOR, Impact.CRITICAL)
COMPONENT_PREFIX = "component."  # form field `component.<id>` holds that component's status
COMPONENT_ERROR_PREFIX = "components."  # an error about one component names `components.<id>`
INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends

# What the admin forms call each field an error can name: the templates show these
# as the fields' labels, and the list of problems names fields by them. An error
# about one component is named by the component's name instead.
FIELD_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "name": "Title",
        "severity": "Severity",
        "impact": "Impact",
        "status": "Status",
        "body": "Message",
        "started_at": "Started at",
        "scheduled_for": "Starts",
        "scheduled_until": "Ends",
        "postmortem_body": "Post-mortem",
        "template_name": "Template name",
        "title": "Incident title",
    }
)


def field_label(field: str, component_names: Mapping[str, str]) -> str:
    """The label a form shows for `field` (`component_names`: id -> name)."""
    if field.startswith(COMPONENT_ERROR_PREFIX):
        component_id = field.removeprefix(COMPONENT_ERROR_PREFIX)
        return component_names.get(component_id, component_id)
    return FIELD_LABELS.get(field, field)


def form_text(form: Mapping[str, object], name: str, limit: int = TEXT_LIMIT) -> str:
    """A text field as typed (line ends made \\n), cut at `limit`; "" when absent."""
    value = form.get(name, "")
    if not isinstance(value, str):
        return ""
    return value[:limit].replace("\r\n", "\n")


def choice(value: str, allowed: tuple[str, ...], field: str, what: str) -> str:
    if value not in allowed:
        raise IncidentError(field, f"choose {what}: one of {', '.join(allowed)}")
    return value


def parse_local_time(text: str, tz: ZoneInfo, field: str) -> datetime | None:
    """A typed time in the site's zone (or with its own offset), as UTC; None if blank."""
    text = text.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise IncidentError(field, "expected a date and time like 2026-03-02T14:30") from None
    try:
        return _as_utc(parsed, tz, text, field)
    except OverflowError:  # e.g. year 1 at +05:00: before the first moment a datetime holds
        raise IncidentError(field, f"{text} is too far in the past or the future") from None


def _as_utc(parsed: datetime, tz: ZoneInfo, text: str, field: str) -> datetime:
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    local = parsed.replace(tzinfo=tz)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != parsed:
        raise IncidentError(field, f"{text} does not exist in {tz.key}: the clocks change then")
    return local.astimezone(UTC)


def input_time(at: datetime, tz: ZoneInfo) -> str:
    """`at` as a datetime-local input value in the site's zone."""
    return at.astimezone(tz).strftime(INPUT_FORMAT)


def component_statuses(
    form: Mapping[str, object], component_ids: list[str], allowed: tuple[str, ...]
) -> dict[str, str]:
    """The status chosen for each component; components left blank are not included."""
    chosen: dict[str, str] = {}
    for component_id in component_ids:
        value = form_text(form, COMPONENT_PREFIX + component_id, 64)
        if value:
            chosen[component_id] = choice(
                value, allowed, COMPONENT_ERROR_PREFIX + component_id, "a component status"
            )
    return chosen
