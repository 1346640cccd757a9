"""Latency judged against the component's SLA and the seed document's thresholds.

The seed ("Performance Metrics / Response Time Tracking") sets, for every API:

    P95 < 1 s      critical when missed
    P99 < 2 s      warning when missed
    average < 500 ms   the target

and each health endpoint has its own SLA (100 / 200 / 500 ms). A probe is
within the SLA when its latency is at most the SLA, as the probes judge it; the
seed thresholds are strict ("less than").
"""

from __future__ import annotations

from dataclasses import dataclass

from statuspage.web.display import format_ms
from storage.figures import LatencyFigures

P95_CRITICAL_MS = 1000.0
P99_WARNING_MS = 2000.0
AVERAGE_TARGET_MS = 500.0

# metric -> (seed limit, what missing it means)
SEED_THRESHOLDS = {
    "p95": (P95_CRITICAL_MS, "critical"),
    "p99": (P99_WARNING_MS, "warning"),
    "average": (AVERAGE_TARGET_MS, "above target"),
}


@dataclass(frozen=True, slots=True)
class LatencyCheck:
    """One latency figure and how it compares."""

    metric: str  # p50 | p95 | p99 | average
    name: str  # what the reader sees: "p50 (median)", "Average", ...
    value: str  # e.g. "312 ms"
    within_sla: bool  # value <= the component's SLA
    seed_limit: str | None  # e.g. "< 1 s"; None: the seed sets no limit for this metric
    seed_ok: bool  # True when there is no seed limit
    verdict: str  # "ok", or what missing the seed limit means: critical | warning | above target


@dataclass(frozen=True, slots=True)
class Performance:
    """A component's latency over one window, against its SLA and the seed."""

    sla: str  # e.g. "100 ms"
    count: int  # successful probes measured
    checks: tuple[LatencyCheck, ...]  # p50, p95, p99, average, in that order

    @property
    def all_ok(self) -> bool:
        return all(c.within_sla and c.seed_ok for c in self.checks)


_NAMES = {"p50": "p50 (median)", "p95": "p95", "p99": "p99", "average": "Average"}


def latency_check(metric: str, value_ms: float, sla_ms: float) -> LatencyCheck:
    limit = SEED_THRESHOLDS.get(metric)
    seed_ok = limit is None or value_ms < limit[0]
    return LatencyCheck(
        metric=metric,
        name=_NAMES[metric],
        value=format_ms(value_ms),
        within_sla=value_ms <= sla_ms,
        seed_limit=None if limit is None else f"< {format_ms(limit[0])}",
        seed_ok=seed_ok,
        verdict="ok" if seed_ok or limit is None else limit[1],
    )


def performance(latency: LatencyFigures | None, sla_ms: float) -> Performance | None:
    """None when nothing succeeded in the window: there is no latency to judge."""
    if latency is None:
        return None
    values = {
        "p50": latency.p50_ms,
        "p95": latency.p95_ms,
        "p99": latency.p99_ms,
        "average": latency.average_ms,
    }
    return Performance(
        sla=format_ms(sla_ms),
        count=latency.count,
        checks=tuple(latency_check(m, v, sla_ms) for m, v in values.items()),
    )
