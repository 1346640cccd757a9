"""Did an incident get its human response in time? Time to acknowledgement and to the
first human update, each against the severity's response target
(`statuspage.rules.response_times`): on time, missed, or still waiting.

Both clocks start when the incident started. A person's first action on an incident
acknowledges it (`storage.incidents.writes`); an update is a person's unless alerting
wrote it. Pure: `now` is passed in.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.incidents.writes import AUTOMATION


class Verdict(enum.StrEnum):
    ON_TIME = "on time"
    MISSED = "missed"
    WAITING = "waiting"  # not done yet, and the target has not passed


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
