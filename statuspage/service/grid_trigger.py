"""A drift-free interval trigger: APScheduler's `IntervalTrigger` on a fixed grid.

APScheduler asks a job's trigger twice per run for the fire time after the same
scheduled time (in `Job._get_run_times` and again in `_process_jobs`). Given a
previous fire time, `IntervalTrigger`'s answer depends on nothing else when there is
no jitter and no end date, so the last answer is kept and handed out again for the
same previous time. Built on the public trigger interface (`get_next_fire_time`).
"""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.interval import IntervalTrigger


class GridIntervalTrigger(IntervalTrigger):  # type: ignore[misc]
    """An `IntervalTrigger` on UTC from `start_date`, with no jitter and no end."""

    # Class defaults, so an unpickled trigger (no __init__) starts with an empty memo.
    _asked: datetime | None = None
    _answer: datetime | None = None

    def __init__(self, *, seconds: float, start_date: datetime) -> None:
        super().__init__(seconds=seconds, start_date=start_date, timezone="UTC")

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is None:
            first: datetime | None = super().get_next_fire_time(None, now)
            return first
        if previous_fire_time is not self._asked:
            self._answer = super().get_next_fire_time(previous_fire_time, now)
            self._asked = previous_fire_time
        return self._answer
