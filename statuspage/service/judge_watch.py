"""When the status judge may call a component silent: never for silence it could have
caused itself.

The judge (the status job, `service/status_job.py`) reads committed results. Its own
trouble leaves them old without any target or worker being at fault: its database
was away or locked (this process's writer holds results it could not write, or the
judge's own round failed), or its own event loop stood still (a SIGSTOP, a blocking
call, a starved CPU). So its watching window starts again when such trouble ends,
as it does at its start, and results still in this process's write buffer count as
arrived. A worker elsewhere that stops, sticks or is cut off is not the judge's
trouble: its components still go silent after the limit.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from statuspage.service.loop_monitor import LoopMonitor
from storage.results.writer import ResultWriter


class JudgeWatch:
    """`writer`: this process's result writer, if it probes; `monitor`: its loop's."""

    def __init__(self, writer: ResultWriter | None, monitor: LoopMonitor | None) -> None:
        self._writer = writer
        self._monitor = monitor
        self._since: datetime | None = None
        self._writer_was_failing = False
        self._stall: tuple[float, datetime] | None = None  # its end: loop time, clock

    def start(self, now: datetime) -> None:
        self._since = now

    def since(self, now: datetime, *, round_failed: bool, stall_s: float) -> datetime | None:
        """The start of the watching window at `now` (None: never started): the latest
        of the start, the first look after the judge's own database outage (its last
        round failed, or the writer's last attempt did) and the end of its latest own
        stall of at least `stall_s`."""
        writer_failing = self._writer is not None and self._writer.failure is not None
        # Still out, or the first look since it ended: the end is known no sooner.
        if round_failed or writer_failing or self._writer_was_failing:
            self._since = now
        self._writer_was_failing = writer_failing
        stalled = self._stall_end(now, stall_s)
        if stalled is None or (self._since is not None and self._since >= stalled):
            return self._since
        return stalled

    def buffered(self) -> dict[str, datetime]:
        """Component -> its newest result waiting in this process's write buffer."""
        return self._writer.newest_pending() if self._writer is not None else {}

    def _stall_end(self, now: datetime, at_least_s: float) -> datetime | None:
        if self._monitor is None:
            return None
        # The monitor keeps loop time (monotonic); the judge reasons on the clock. A
        # stall's end is put on the clock once, when first seen, and kept.
        loop_now = asyncio.get_running_loop().time()
        end = self._monitor.last_stall_end(loop_now, at_least_s)
        if end is None:
            return None
        if self._stall is None or self._stall[0] != end:
            self._stall = (end, now - timedelta(seconds=loop_now - end))
        return self._stall[1]
