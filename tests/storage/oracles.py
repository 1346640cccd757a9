"""Test oracles: the page's figures computed straight from raw results, the slow and
obvious way. Tests hold the roll-up path (`storage.figures.windows`) to them; the
product never computes figures from raw results, so they live here, not in storage/."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime

from storage.figures.aggregate import RawResult
from storage.figures.windows import Figures, LatencyFigures


def _in_span(results: Sequence[RawResult], start: datetime, end: datetime) -> list[RawResult]:
    return [r for r in results if start <= r[0] < end]


def figures_from_raw(
    results: Sequence[RawResult],
    under_maintenance: Callable[[datetime], bool],
    start: datetime,
    end: datetime,
) -> Figures:
    """The counts straight from raw results in [start, end)."""
    inside = _in_span(results, start, end)
    counted = [r for r in inside if not under_maintenance(r[0])]
    return Figures(
        up=sum(r[1] == "up" for r in counted),
        degraded=sum(r[1] == "degraded" for r in counted),
        down=sum(r[1] == "down" for r in counted),
        maintenance=len(inside) - len(counted),
        within_sla=sum(r[3] for r in counted if r[1] != "down"),
    )


def latency_from_raw(
    results: Sequence[RawResult],
    under_maintenance: Callable[[datetime], bool],
    start: datetime,
    end: datetime,
) -> LatencyFigures | None:
    """Exact latency figures of the successful results in [start, end)."""
    ordered = sorted(
        r[2]
        for r in _in_span(results, start, end)
        if r[1] != "down" and not under_maintenance(r[0])
    )
    if not ordered:
        return None

    def point(fraction: float) -> float:
        return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]

    return LatencyFigures(
        count=len(ordered),
        average_ms=math.fsum(ordered) / len(ordered),
        min_ms=ordered[0],
        max_ms=ordered[-1],
        p50_ms=point(0.50),
        p95_ms=point(0.95),
        p99_ms=point(0.99),
    )
