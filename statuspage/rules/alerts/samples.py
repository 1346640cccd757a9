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
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass


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
        self._times: list[float] = []
        self._latencies: list[float] = []  # of successful samples; NaN for failures
        self._totals: list[tuple[int, int, int, float]] = []  # running, inclusive
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
        results, totals = self._totals[-1] if self._totals else (0, 0, 0, 0.0), self._totals
        if self._kept:
            self._kept = {}
        if failed:
            self._newest_failure = max(self._newest_failure, at)
            self._latencies.append(math.nan)
            totals.append((results[0] + 1, results[1] + 1, results[2], results[3] + 0.0))
        else:
            if over_sla:
                self._newest_over_sla = max(self._newest_over_sla, at)
            if latency_ms > self._watch_ms:
                self._newest_slow = max(self._newest_slow, at)
            self._latencies.append(latency_ms)
            totals.append(
                (results[0] + 1, results[1], results[2] + over_sla, results[3] + latency_ms)
            )
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
        self._times, self._latencies, self._totals, self._start = [], [], [], 0
        self._newest_failure = self._newest_over_sla = self._newest_slow = _NEVER
        for each in kept:
            self.add(each)

    def _sample(self, index: int) -> Sample:
        latency = self._latencies[index]
        failed = math.isnan(latency)
        before = self._totals[index - 1] if index else (0, 0, 0, 0.0)
        over_sla = self._totals[index][2] > before[2]
        return Sample(self._times[index], failed, 0.0 if failed else latency, over_sla)

    def forget_before(self, now: float) -> None:
        """Drop samples older than `keep_s` before `now`; compact now and then."""
        self._start = max(self._start, bisect_right(self._times, now - self.keep_s))
        if self._start > 1024 and self._start * 2 > len(self._times):
            base = self._totals[self._start - 1]
            self._times = self._times[self._start :]
            self._latencies = self._latencies[self._start :]
            self._totals = [_minus(t, base) for t in self._totals[self._start :]]
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
        before = self._totals[first - 1] if first else (0, 0, 0, 0.0)
        results, failures, slow, latency = _minus(self._totals[end - 1], before)
        return Counts(results, failures, slow, latency)

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


def _minus(
    a: tuple[int, int, int, float], b: tuple[int, int, int, float]
) -> tuple[int, int, int, float]:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3])


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
