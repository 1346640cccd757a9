"""A component's recent probe results, kept so any window's counts cost two lookups.

Each sample carries running totals (results, failures, slow ones, latency sum) up
to and including itself, so the counts in a window are the difference between the
totals at its two ends, found by binary search on the times. Latency percentiles
need the window's values themselves; they are taken from the same list, sorted once
per window and kept (`Latencies`) until the samples move, because the latency rules
of one round ask the same windows again (p99 and the average share ten minutes, and
the sweep asks what the round just did).

A window also remembers when its newest failure, its newest success over the SLA
and its newest success slower than one watched latency (`watch_ms`) happened, so
the question a round asks of most components, "none of those in this window?",
costs one comparison when the answer is yes (`surely_none`); otherwise the
counts and the values answer it as before.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar


@dataclass(frozen=True, slots=True)
class Sample:
    """One measured probe result, as the rules see it (times in epoch seconds)."""

    at: float
    failed: bool  # down, after its confirmation retry
    latency_ms: float
    over_sla: bool  # succeeded, but slower than the component's SLA


@dataclass(frozen=True, slots=True)
class Counts:
    results: int = 0
    failures: int = 0
    over_sla: int = 0
    latency_sum_ms: float = 0.0  # of the successful results

    @property
    def successes(self) -> int:
        return self.results - self.failures

    @property
    def error_ratio(self) -> float | None:
        return self.failures / self.results if self.results else None


@dataclass(frozen=True, slots=True)
class Latencies:
    """The successful samples' latencies in one window."""

    ascending: tuple[float, ...]
    # Added in time order, as a plain sum over the window adds them: an average
    # from it is the same float to the last bit.
    total_ms: float

    def __len__(self) -> int:
        return len(self.ascending)

    @property
    def slowest(self) -> float | None:
        return self.ascending[-1] if self.ascending else None

    def quantile(self, q: float) -> float:
        return ranked(self.ascending, q)

    def count_above(self, threshold: float) -> int:
        return len(self.ascending) - bisect_right(self.ascending, threshold)


# How many windows' latencies a SampleWindow keeps: the distinct spans of the rules in
# force (two in the production configuration), with room for a few more.
_KEPT_LATENCIES = 8


_NEVER = -math.inf
_T = TypeVar("_T", int, float)


class SampleWindow:
    """Samples in time order, newest last, forgotten once older than `keep_s`.

    `watch_ms`: a latency whose successes above it are remembered by time (the
    evaluator's lowest latency threshold for the component); inf watches none.
    """

    def __init__(self, keep_s: float, watch_ms: float = math.inf) -> None:
        self.keep_s = keep_s
        self._watch_ms = watch_ms
        # Times of the newest failure, success over the SLA and success slower than
        # `watch_ms` ever added (forgotten ones included: an upper bound is enough).
        self._newest_failure = self._newest_over_sla = self._newest_slow = _NEVER
        # An hour of samples of every component sits in the evaluator's memory, so all
        # but the times are typed arrays, 8 bytes a field: 72 bytes a sample, 198 as
        # lists of floats and a tuple of totals (docs/scaling.md). The times stay a
        # list of floats: every window is found by bisecting them, and a bisection
        # of an array makes a float object at each step.
        self._times: list[float] = []
        self._latencies = array("d")  # of successful samples; NaN for failures
        # Running totals up to and including each sample: results, failures, successes
        # over the SLA, and the latency sum of the successes.
        self._results, self._failures, self._over = array("q"), array("q"), array("q")
        self._latency_sums = array("d")
        self._start = 0  # samples before this index are forgotten
        # By the indexes [first, end) they cover: only replacing the lists above
        # changes what an index holds (appending and forgetting do not). A new
        # sample moves every window a round asks about, so `add` lets the old ones
        # go (a copy of a window's values each), which also covers a late sample's
        # rebuild.
        self._kept: dict[tuple[int, int], Latencies] = {}

    def __len__(self) -> int:
        return len(self._times) - self._start

    @property
    def newest_at(self) -> float | None:
        return self._times[-1] if len(self) else None

    def add(self, sample: Sample) -> None:
        """Append `sample`; one older than the newest is placed in time order."""
        self.append(sample.at, sample.failed, sample.latency_ms, sample.over_sla)

    def append(self, at: float, failed: bool, latency_ms: float, over_sla: bool) -> None:
        """`add` of a sample given by its fields (the evaluator's path: no `Sample`
        is made for the common, in-order case)."""
        times = self._times
        if times and at < times[-1]:
            self._insert_late(Sample(at, failed, latency_ms, over_sla))
            return
        if self._kept:
            self._kept = {}
        results, failures, over, sums = (
            self._results, self._failures, self._over, self._latency_sums
        )  # fmt: skip
        done, failed_so_far, over_so_far, sum_so_far = (
            (results[-1], failures[-1], over[-1], sums[-1]) if results else (0, 0, 0, 0.0)
        )
        if failed:
            self._newest_failure = max(self._newest_failure, at)
            self._latencies.append(math.nan)
            failures.append(failed_so_far + 1)
            over.append(over_so_far)
            sums.append(sum_so_far + 0.0)
        else:
            if over_sla:
                self._newest_over_sla = max(self._newest_over_sla, at)
            if latency_ms > self._watch_ms:
                self._newest_slow = max(self._newest_slow, at)
            self._latencies.append(latency_ms)
            failures.append(failed_so_far)
            over.append(over_so_far + over_sla)
            sums.append(sum_so_far + latency_ms)
        results.append(done + 1)
        times.append(at)

    def watch(self, watch_ms: float) -> None:
        """Remember successes slower than `watch_ms` from now on (the rules changed):
        the kept samples are looked at once."""
        self._watch_ms, self._newest_slow = watch_ms, _NEVER
        for index in range(self._start, len(self._times)):
            latency = self._latencies[index]  # NaN for a failure: never above
            if latency > watch_ms:
                self._newest_slow = max(self._newest_slow, self._times[index])

    def surely_none(
        self,
        now: float,
        span_s: float,
        *,
        failed: bool = False,
        over_sla: bool = False,
        slower_than_ms: float | None = None,
    ) -> bool:
        """True only if the window (now - span_s, now] holds none of the samples asked
        about: failures, successes over the SLA, successes slower than `slower_than_ms`
        (answerable for a latency at or above `watch_ms` only). False means "look":
        there may be one."""
        edge = now - span_s
        if failed and self._newest_failure > edge:
            return False
        if over_sla and self._newest_over_sla > edge:
            return False
        if slower_than_ms is not None:
            return slower_than_ms >= self._watch_ms and self._newest_slow <= edge
        return True

    def _insert_late(self, sample: Sample) -> None:
        # Rare (a result written late, after a database outage): rebuild the totals.
        kept = [self._sample(i) for i in range(self._start, len(self._times))]
        kept.insert(bisect_right([s.at for s in kept], sample.at), sample)
        self._times, self._latencies, self._start = [], array("d"), 0
        self._results, self._failures, self._over = array("q"), array("q"), array("q")
        self._latency_sums = array("d")
        self._newest_failure = self._newest_over_sla = self._newest_slow = _NEVER
        for each in kept:
            self.add(each)

    def _sample(self, index: int) -> Sample:
        latency = self._latencies[index]
        failed = math.isnan(latency)
        over_sla = self._over[index] > (self._over[index - 1] if index else 0)
        return Sample(self._times[index], failed, 0.0 if failed else latency, over_sla)

    def forget_before(self, now: float) -> None:
        """Drop samples older than `keep_s` before `now`; compact now and then."""
        self._start = max(self._start, bisect_right(self._times, now - self.keep_s))
        if self._start > 1024 and self._start * 2 > len(self._times):
            start = self._start
            self._times = self._times[start:]
            self._latencies = self._latencies[start:]
            self._results = _rebased(self._results, start)
            self._failures = _rebased(self._failures, start)
            self._over = _rebased(self._over, start)
            self._latency_sums = _rebased(self._latency_sums, start)
            self._start = 0
            self._kept = {}

    def _bounds(self, now: float, span_s: float) -> tuple[int, int]:
        """Indexes [first, end) of the samples with now - span_s < at <= now."""
        first = max(self._start, bisect_right(self._times, now - span_s))
        end = bisect_right(self._times, now)
        return first, max(first, end)

    def counts(self, now: float, span_s: float) -> Counts:
        first, end = self._bounds(now, span_s)
        if first == end:
            return Counts()
        last = end - 1
        if not first:
            return Counts(
                self._results[last], self._failures[last], self._over[last],
                self._latency_sums[last],
            )  # fmt: skip
        before = first - 1
        return Counts(
            self._results[last] - self._results[before],
            self._failures[last] - self._failures[before],
            self._over[last] - self._over[before],
            self._latency_sums[last] - self._latency_sums[before],
        )

    def failing_run(self, now: float, span_s: float) -> int:
        """How many of the window's newest samples failed in a row."""
        first, end = self._bounds(now, span_s)
        run = 0
        while end - run > first and math.isnan(self._latencies[end - run - 1]):
            run += 1
        return run

    def latencies(self, now: float, span_s: float) -> list[float]:
        """The successful samples' latencies in the window, in time order."""
        first, end = self._bounds(now, span_s)
        return [v for v in self._latencies[first:end] if not math.isnan(v)]

    def latency_summary(self, now: float, span_s: float) -> Latencies:
        """`latencies(now, span_s)` sorted and summed, worked out once per window."""
        bounds = self._bounds(now, span_s)
        kept = self._kept.get(bounds)
        if kept is None:
            if len(self._kept) >= _KEPT_LATENCIES:  # windows of earlier rounds
                self._kept = {}
            values = self.latencies(now, span_s)
            kept = self._kept[bounds] = Latencies(tuple(sorted(values)), sum(values))
        return kept


def _rebased(totals: array[_T], start: int) -> array[_T]:
    """Running totals from `start` on, less those before it: what they would be had
    the window begun there (the differences, and so every count, stay the same)."""
    base = totals[start - 1]
    return array(totals.typecode, [value - base for value in totals[start:]])


def quantile(values: list[float], q: float) -> float:
    """The nearest-rank quantile: the smallest value with at least q of them at or below.

    The same definition as `storage.figures.histogram`'s percentiles, without the buckets.
    """
    return ranked(sorted(values), q)


def ranked(ascending: Sequence[float], q: float) -> float:
    """`quantile` of values already sorted."""
    if not ascending:
        raise ValueError("no values")
    return ascending[max(1, math.ceil(q * len(ascending))) - 1]
