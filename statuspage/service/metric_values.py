"""A configured metric's value from two scrapes: the operation its kind names
(`probes.metrics.operations`), then its unit's scale. Pure."""

from __future__ import annotations

from probes.metrics.operations import MetricProblem, Scrape, gauge, quantile, rate, ratio
from statuspage.metric_specs import MetricConfig

PERCENT = 100.0  # a ratio is stored as a percentage, as the error-rate rules read it
RATE_KINDS = frozenset({"rate", "ratio", "quantile"})


def value_of(metric: MetricConfig, previous: Scrape | None, current: Scrape) -> float | None:
    """The metric's value now; None when there is none yet (a rate's first scrape) or
    none to have (no requests for a ratio, no observations for a quantile).
    MetricProblem says why a value cannot be trusted."""
    if metric.kind == "gauge":
        return gauge(current, metric.selector("selector"), metric.aggregate) * metric.scale
    if previous is None:
        return None
    found: float | None
    if metric.kind == "rate":
        found = rate(previous, current, metric.selector("selector"))
    elif metric.kind == "ratio":
        share = ratio(
            previous, current, metric.selector("numerator"), metric.selector("denominator")
        )
        found = None if share is None else share * PERCENT
    elif metric.kind == "quantile":
        assert metric.quantile is not None  # metric_specs requires it
        found = quantile(previous, current, metric.selector("histogram"), metric.quantile)
    else:
        raise MetricProblem(f"kind {metric.kind!r} is not computed from a scrape")
    return None if found is None else found * metric.scale
