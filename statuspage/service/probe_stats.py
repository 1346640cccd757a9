"""Per-probe Prometheus figures, counted as plain numbers and turned into metrics on scrape.

Every probe updates these, thousands of times a second, on the event loop's
thread; a scrape reads them a few times a minute. prometheus_client's labelled
Counter and Histogram take a lock per update and keep a child object per label
set: about 9 µs a probe with 5,000 components, and a latency histogram per
component made 70,000 series. Here an update is a few list and dict operations,
and a `Collector` builds the metric families when scraped:

* `statuspage_probes_total{component,status}`: results recorded;
* `statuspage_probe_latency_seconds{component}`: a summary (`_count`, `_sum`) per
  component, so an average latency per component, two series each;
* `statuspage_probe_latency_all_seconds`: one histogram over all probes, for
  percentiles across the fleet;
* `statuspage_probe_start_lateness_seconds`: histogram of start minus due time;
* `statuspage_probe_confirmation_retries_total`: down results re-probed;
* `statuspage_probe_runs_skipped_total{reason}`: runs the scheduler skipped, because the
  component's previous run was `still_running` or the run was `late` (past its misfire
  grace time): a stalled event loop or an overloaded prober shows here first.

Updates and scrapes both run on the event loop's thread, so no lock is needed; a
scrape copies the dictionaries before reading them all the same.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence

from prometheus_client.core import (
    CounterMetricFamily,
    HistogramMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

LATENESS_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30)
SKIP_REASONS = ("still_running", "late")


class Buckets:
    """Counts per bucket (upper bounds inclusive, as Prometheus's `le`) and a sum."""

    __slots__ = ("bounds", "counts", "total")

    def __init__(self, bounds: Sequence[float]) -> None:
        self.bounds = tuple(bounds)
        self.counts = [0] * (len(self.bounds) + 1)  # the last one is +Inf
        self.total = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.total += value

    def family(self, name: str, documentation: str) -> HistogramMetricFamily:
        cumulative, running = [], 0
        labels = (*map(floatToGoString, self.bounds), "+Inf")
        for bound, count in zip(labels, self.counts, strict=True):
            running += count
            cumulative.append((bound, running))
        return HistogramMetricFamily(name, documentation, buckets=cumulative, sum_value=self.total)


class ProbeStats(Collector):
    def __init__(self) -> None:
        self._results: dict[tuple[str, str], int] = {}
        self._latency: dict[str, list[float]] = {}  # component: [count, sum of seconds]
        self._latency_all = Buckets(LATENCY_BUCKETS)
        self._lateness = Buckets(LATENESS_BUCKETS)
        self._retries = 0
        # Both reasons from the start: a series that appears only on the first skip
        # would hide the first increase from rate() and increase().
        self._skipped = dict.fromkeys(SKIP_REASONS, 0)

    def record(self, component_id: str, status: str, latency_s: float, lateness_s: float) -> None:
        key = (component_id, status)
        self._results[key] = self._results.get(key, 0) + 1
        if (latency := self._latency.get(component_id)) is None:
            latency = self._latency[component_id] = [0, 0.0]
        latency[0] += 1
        latency[1] += latency_s
        self._latency_all.observe(latency_s)
        self._lateness.observe(lateness_s)

    def retried(self) -> None:
        self._retries += 1

    def skipped(self, reason: str) -> None:
        self._skipped[reason] += 1

    def collect(self) -> Iterator[Metric]:
        results = CounterMetricFamily(
            "statuspage_probes", "Probe results recorded", labels=["component", "status"]
        )
        for (component_id, status), count in list(self._results.items()):
            results.add_metric([component_id, status], count)
        yield results
        latency = SummaryMetricFamily(
            "statuspage_probe_latency_seconds",
            "Measured probe latency, per component",
            labels=["component"],
        )
        for component_id, (probed, total) in list(self._latency.items()):
            latency.add_metric([component_id], count_value=int(probed), sum_value=total)
        yield latency
        yield self._latency_all.family(
            "statuspage_probe_latency_all_seconds", "Measured probe latency, all components"
        )
        yield self._lateness.family(
            "statuspage_probe_start_lateness_seconds", "Probe start time minus its due time"
        )
        yield CounterMetricFamily(
            "statuspage_probe_confirmation_retries",
            "Down results re-probed before recording",
            value=self._retries,
        )
        skipped = CounterMetricFamily(
            "statuspage_probe_runs_skipped",
            "Scheduled probe runs not run: previous run still running, or too late to start",
            labels=["reason"],
        )
        for reason, count in list(self._skipped.items()):
            skipped.add_metric([reason], count)
        yield skipped
