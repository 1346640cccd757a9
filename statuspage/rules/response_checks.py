"""Did an incident get its human response in time? Time to acknowledgement and to the
first human update, each against the severity's response target
(`statuspage.rules.response_times`): on time, missed, or still waiting.

Both clocks start when the incident started. A person's first action on an incident
acknowledges it (`storage.incidents.writes`); an update is a person's unless alerting
wrote it. Once an incident is resolved its clocks stop: a response still missing
then is "missed" if the target had passed, else "not needed". Pure: `now` is passed in.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from statuspage.rules.response_times import BusinessCalendar, update_due_at
from storage.incidents.writes import AUTOMATION


class Verdict(enum.StrEnum):
    ON_TIME = "on time"
    MISSED = "missed"
    WAITING = "waiting"  # not done yet, and the target has not passed
    NOT_NEEDED = "not needed"  # resolved before the target passed, without it


@dataclass(frozen=True, slots=True)
class ResponseCheck:
    took: timedelta  # start to done; while waiting, start to now
    done: bool
    verdict: Verdict | None  # None: no target (no severity)


def check_response(
    started_at: datetime, done_at: datetime | None, due_at: datetime | None, now: datetime
) -> ResponseCheck:
    end = now if done_at is None else done_at
    took = max(end - started_at, timedelta(0))
    if due_at is None:
        return ResponseCheck(took, done_at is not None, None)
    if done_at is not None:
        return ResponseCheck(took, True, Verdict.ON_TIME if done_at <= due_at else Verdict.MISSED)
    return ResponseCheck(took, False, Verdict.WAITING if now <= due_at else Verdict.MISSED)


def first_human_update_at(updates: Iterable[tuple[datetime, str | None]]) -> datetime | None:
    """When the first update written by a person was posted: (posted at, author) pairs,
    any order. An update without an author was written by the service itself."""
    human = [at for at, author in updates if author is not None and author != AUTOMATION]
    return min(human, default=None)


@dataclass(frozen=True, slots=True)
class IncidentResponse:
    due_at: datetime | None  # both responses' target; None: no severity, no target
    acknowledgement: ResponseCheck
    first_update: ResponseCheck


@dataclass(frozen=True, slots=True)
class IncidentTimes:
    """What the response checks need of an incident, as plain values."""

    severity: str | None
    started_at: datetime
    resolved_at: datetime | None
    acknowledged_at: datetime | None
    updates: tuple[tuple[datetime, str | None], ...]  # (posted at, author)


def incident_response(
    incident: IncidentTimes, now: datetime, tz: ZoneInfo, calendar: BusinessCalendar
) -> IncidentResponse:
    """Both responses of one incident, open or resolved, against its severity's target."""
    due = update_due_at(incident.severity, incident.started_at, tz, calendar)
    first = first_human_update_at(incident.updates)
    return IncidentResponse(
        due_at=due,
        acknowledgement=_closed_check(incident, incident.acknowledged_at, due, now),
        first_update=_closed_check(incident, first, due, now),
    )


def _closed_check(
    incident: IncidentTimes, done_at: datetime | None, due: datetime | None, now: datetime
) -> ResponseCheck:
    # A resolved incident's clock stops at resolution, so nothing waits on it forever.
    resolved = incident.resolved_at
    check = check_response(incident.started_at, done_at, due, now if resolved is None else resolved)
    if resolved is not None and check.verdict is Verdict.WAITING:
        return ResponseCheck(check.took, False, Verdict.NOT_NEEDED)
    return check
