"""Notice when this process's own event loop stalls, so a probe it held up is not
blamed on the target.

A probe's timeout and its latency are timed by the event loop. If the loop is held
(a blocking call, a long garbage collection, a starved CPU), a healthy target looks
slow or timed out. The monitor wakes every `tick_s` and records how late it woke;
the runner asks whether a stall overlapped a probe before recording a failure, and
the status judge when its own last stall ended (`statuspage/service/judge_watch.py`).
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

STALL_S = 0.5  # a wake-up this late is a stall, not scheduling noise
TICK_S = 0.1
KEPT = 256  # stalls remembered: far more than any probe timeout spans


@dataclass(frozen=True, slots=True)
class Stall:
    start: float  # loop time when the loop stopped turning
    end: float  # loop time when it turned again

    @property
    def seconds(self) -> float:
        return self.end - self.start


class LoopMonitor:
    def __init__(self, *, tick_s: float = TICK_S, stall_s: float = STALL_S) -> None:
        self.tick_s = tick_s
        self.stall_s = stall_s
        self.stalls: deque[Stall] = deque(maxlen=KEPT)
        self.count = 0  # stalls since start, for /metrics
        self.longest_s = 0.0  # the longest stall since start, for /metrics
        self._due: float | None = None
        self._handle: asyncio.TimerHandle | None = None

    def start(self) -> None:
        self._arm(asyncio.get_running_loop())

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        self._due = loop.time() + self.tick_s
        self._handle = loop.call_at(self._due, self._tick, loop)

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        if self._due is not None:
            self._note(self._due, now)
        self._arm(loop)

    def _note(self, due: float, woke: float) -> None:
        if woke - due >= self.stall_s:
            self.stalls.append(Stall(due, woke))
            self.count += 1
            self.longest_s = max(self.longest_s, woke - due)

    def stalled_during(self, start: float, end: float) -> float:
        """Seconds the loop stood still between loop times `start` and `end`.

        Counts a stall still going on, or just ended and not yet noticed by a tick:
        the probe that asks may have been woken by the same stall's end.
        """
        held = sum(_overlap(s, start, end) for s in self.stalls)
        if self._due is not None and end - self._due >= self.stall_s:
            held += _overlap(Stall(self._due, end), start, end)
        return held

    def last_stall_end(self, now: float, at_least_s: float) -> float | None:
        """Loop time the latest stall of at least `at_least_s` ended (None: none
        since start). One still going on, or just ended and not yet noticed by a
        tick, ends `now`: the caller may have been woken by the same stall's end."""
        if self._due is not None and now - self._due >= max(at_least_s, self.stall_s):
            return now
        for stall in reversed(self.stalls):
            if stall.seconds >= at_least_s:
                return stall.end
        return None


def _overlap(stall: Stall, start: float, end: float) -> float:
    return max(0.0, min(stall.end, end) - max(stall.start, start))
