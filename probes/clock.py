"""The one place that reads the wall clock.

Everything else is handed a `Clock` (the service builds one in `create_app`; a
command uses `system_clock`), and pure rules take `now` as a parameter, so tests
move time instead of waiting for it and the suite passes on any date.

APScheduler decides when a job is due from the system time itself; under a moved
system time (faketime) it moves with this clock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Returns the current time as an aware UTC datetime."""

    def __call__(self) -> datetime: ...


def system_clock() -> datetime:
    return datetime.now(UTC)
