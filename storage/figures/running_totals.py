"""Running totals of day counts: a year of one component's days in one value.

Entry i of `running` holds each counter summed over the days
[first_day, first_day + i), so the counts of any span of days are two lookups
and a subtraction, whatever its length. That is what lets the front page read a
year of history at the cost of one day (`storage.results.day_totals` keeps these up to
date from the day roll-ups).

Counters are, in order, the `Figures` fields: up, degraded, down, maintenance,
within_sla. Pure: no clock, no database.
"""

from __future__ import annotations

import operator
import sys
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from storage.figures.timebuckets import DAY

COUNTERS = ("up", "degraded", "down", "maintenance", "within_sla")
WIDTH = len(COUNTERS)
Counts = tuple[int, ...]  # WIDTH values, in COUNTERS order
NO_COUNTS: Counts = (0,) * WIDTH
# Unsigned 32-bit: 366 days of one-second probes in one region is 3.2e7, far
# below 2**32, and half the bytes of 64-bit values on every front-page read.
_TYPECODE = "I"
if array(_TYPECODE).itemsize != 4:  # C's unsigned int; 4 bytes on every supported platform
    raise ImportError("storage.figures.running_totals needs a 4-byte array('I')")


def added(a: Counts, b: Counts) -> Counts:
    return tuple(x + y for x, y in zip(a, b, strict=True))


@dataclass(frozen=True, slots=True)
class RunningTotals:
    first_day: date
    running: array[int]  # (days + 1) * WIDTH values; the first WIDTH are zero

    @classmethod
    def empty(cls, first_day: date) -> RunningTotals:
        return cls(first_day, array(_TYPECODE, NO_COUNTS))

    @classmethod
    def of_days(
        cls, first_day: date, end_day: date, days: Mapping[date, Sequence[int]]
    ) -> RunningTotals:
        """Totals of `days` over [first_day, end_day); days outside are ignored."""
        return cls.empty(first_day).extended(end_day, days)

    @property
    def day_count(self) -> int:
        return len(self.running) // WIDTH - 1

    @property
    def end_day(self) -> date:
        """The first day not covered."""
        return self.first_day + self.day_count * DAY

    def extended(self, end_day: date, days: Mapping[date, Sequence[int]]) -> RunningTotals:
        """These totals carried on through [self.end_day, end_day) with `days`."""
        running = array(_TYPECODE, self.running)
        last = list(running[-WIDTH:])
        day = self.end_day
        while day < end_day:
            counts = days.get(day)
            if counts is not None:
                last = [a + b for a, b in zip(last, counts, strict=True)]
            running.extend(last)
            day += DAY
        return RunningTotals(self.first_day, running)

    def ending(self, end_day: date) -> RunningTotals:
        """The totals of the days before `end_day` only (first_day <= end_day <= self.end_day)."""
        if not self.first_day <= end_day <= self.end_day:
            raise ValueError(f"{end_day} is outside {self.first_day}..{self.end_day}")
        kept = ((end_day - self.first_day).days + 1) * WIDTH
        return RunningTotals(self.first_day, self.running[:kept])

    def starting(self, first_day: date) -> RunningTotals:
        """The same totals without the days before `first_day`. Differences are
        all that is ever read, so the remaining entries need no rebasing."""
        skipped = (first_day - self.first_day).days
        if skipped <= 0:
            return self
        return RunningTotals(first_day, self.running[min(skipped, self.day_count) * WIDTH :])

    def between(self, start: date, stop: date) -> Counts:
        """Counts summed over the covered days in [start, stop)."""
        i, j = self._index(start), self._index(stop)
        if i >= j:
            return NO_COUNTS
        running, low, high = self.running, i * WIDTH, j * WIDTH
        return tuple(running[high + k] - running[low + k] for k in range(WIDTH))

    def per_day(self, first: date, count: int) -> list[Counts | None]:
        """Counts of each of `count` days from `first`; None for a day not covered."""
        offset = (first - self.first_day).days
        start, stop = max(0, -offset), min(count, self.day_count - offset)
        if start >= stop:
            return [None] * count
        window = self.running[(offset + start) * WIDTH : (offset + stop + 1) * WIDTH]
        cells: list[Counts | None] = [None] * start
        cells.extend(_differences(window.tobytes()))
        cells.extend([None] * (count - stop))
        return cells

    def encode(self) -> bytes:
        return _little_endian(self.running).tobytes()

    @classmethod
    def decode(cls, first_day: date, data: bytes) -> RunningTotals:
        running = array(_TYPECODE)
        if len(data) < WIDTH * running.itemsize or len(data) % (WIDTH * running.itemsize):
            raise ValueError(f"running totals of {len(data)} bytes are damaged")
        running.frombytes(data)
        return cls(first_day, _little_endian(running))

    def _index(self, day: date) -> int:
        return min(max((day - self.first_day).days, 0), self.day_count)


@lru_cache(maxsize=512)
def _differences(window: bytes) -> tuple[Counts, ...]:
    """Each day's counts from the running totals around it (`window`: days + 1 entries,
    as the machine stores them). The front page asks for 90 days of every component on
    every render: 4,500 subtractions of 5 counters, half its running-totals time. The
    answer depends on these bytes alone, so keeping it cannot go stale: a write that
    changes a component's days changes the bytes read. Closed days change only then,
    so a page rendered again after a new result (today's counts) finds the same
    bytes. 512 windows: about 8 MB at most (15 KB each, measured with tracemalloc)."""
    values = array(_TYPECODE)
    values.frombytes(window)
    # Whole-array slices and map(sub) keep the per-value work in C.
    differences = iter(list(map(operator.sub, values[WIDTH:], values[:-WIDTH])))
    return tuple(zip(*[differences] * WIDTH, strict=True))


def _little_endian(values: array[int]) -> array[int]:
    """Stored little-endian whatever the machine, so a database can move between hosts."""
    if sys.byteorder == "little":
        return values
    swapped = array(_TYPECODE, values)
    swapped.byteswap()
    return swapped
