"""Latency judged against the component's SLA and its latency objectives.

Each health endpoint has its SLA (e.g. 100 ms): a probe is within it when its
latency is at most the SLA, as the probes judge it. Objectives are what a
component's latency figures should stay under over a window, configured in
`[site.objectives]` and per component (`objectives`), by default:

    p95 < 1 s      p99 < 2 s      average < 500 ms

An objective is met when the figure is strictly below it ("less than").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from statuspage.presentation.display import format_ms
from storage.figures.windows import LatencyFigures

METRIC_NAMES = {"p50": "p50 (median)", "p95": "p95", "p99": "p99", "average": "Average"}


@dataclass(frozen=True, slots=True)
class LatencyCheck:
    """One latency figure and how it compares."""

    metric: str  # p50 | p95 | p99 | average
    name: str  # what the reader sees: "p50 (median)", "Average", ...
    value: str  # e.g. "312 ms"
    within_sla: bool  # value <= the component's SLA
    objective: str | None  # e.g. "< 1 s"; None: no objective for this metric
    objective_met: bool  # value below the objective; True when there is none


@dataclass(frozen=True, slots=True)
class Performance:
    """A component's latency over one window, against its SLA and objectives."""

    sla: str  # e.g. "100 ms"
    count: int  # successful probes measured
    checks: tuple[LatencyCheck, ...]  # p50, p95, p99, average, in that order

    @property
    def has_objectives(self) -> bool:
        return any(c.objective is not None for c in self.checks)

    @property
    def all_ok(self) -> bool:
        return all(c.within_sla and c.objective_met for c in self.checks)


def objective_text(limit_ms: float) -> str:
    return f"< {format_ms(limit_ms)}"


def latency_check(
    metric: str, value_ms: float, sla_ms: float, objective_ms: float | None = None
) -> LatencyCheck:
    return LatencyCheck(
        metric=metric,
        name=METRIC_NAMES[metric],
        value=format_ms(value_ms),
        within_sla=value_ms <= sla_ms,
        objective=None if objective_ms is None else objective_text(objective_ms),
        objective_met=objective_ms is None or value_ms < objective_ms,
    )


def performance(
    latency: LatencyFigures | None, sla_ms: float, objectives: Mapping[str, float]
) -> Performance | None:
    """None when nothing succeeded in the window: there is no latency to judge.
    `objectives`: metric -> ms, only the metrics that have one."""
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
        checks=tuple(latency_check(m, v, sla_ms, objectives.get(m)) for m, v in values.items()),
    )
