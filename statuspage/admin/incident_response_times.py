"""An incident's response times (to acknowledgement, to the first human update)
against its severity's target, open or resolved: the one place the dashboard's
table and the write API's `response_times` get them from."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from statuspage.api.v2 import Json, optional_timestamp
from statuspage.rules.response_checks import (
    IncidentResponse,
    IncidentTimes,
    ResponseCheck,
    incident_response,
)
from statuspage.rules.response_times import BusinessCalendar, target_text
from storage.incidents.reads import IncidentView


def response_of(
    incident: IncidentView, now: datetime, tz: ZoneInfo, calendar: BusinessCalendar
) -> IncidentResponse:
    times = IncidentTimes(
        severity=incident.severity,
        started_at=incident.started_at,
        resolved_at=incident.resolved_at,
        acknowledged_at=incident.acknowledged_at,
        updates=tuple((u.created_at, u.author) for u in incident.updates),
    )
    return incident_response(times, now, tz, calendar)


def response_times_json(
    incident: IncidentView, now: datetime, tz: ZoneInfo, calendar: BusinessCalendar
) -> Json:
    """The write API's `response_times` (admin_spec's `admin_response_times`): seconds
    from the start to each response, null while it has not happened."""
    response = response_of(incident, now, tz, calendar)
    ack, first = response.acknowledgement, response.first_update
    return {
        "severity": incident.severity,
        "target": target_text(incident.severity),
        "due_at": optional_timestamp(response.due_at, tz),
        "time_to_ack_s": _seconds(ack),
        "ack_verdict": None if ack.verdict is None else ack.verdict.value,
        "time_to_first_update_s": _seconds(first),
        "first_update_verdict": None if first.verdict is None else first.verdict.value,
    }


def _seconds(check: ResponseCheck) -> int | None:
    return round(check.took.total_seconds()) if check.done else None
