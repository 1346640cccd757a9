"""Rules about the application's own metrics: the same thresholds over windows as the
probes' rules, judged on a metric's points.

Which rules a metric gets follows its kind (docs/metrics.md): an error rate (a ratio
metric in "%" without a `target_above`, which would make it a success rate) gets the
error-rate rules; a quantile metric at 0.95 or 0.99 gets the
p95 or p99 latency rule; a metric with a target gets `metric-target`. Each judges the
mean of the points in the rule's window, with the rules' usual guard: `min_samples`
points before judging at all, `min_offending` points beyond the threshold on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from statuspage.rules.alerts.model import NO_DATA, Reading, Rule

METRIC_TARGET = "metric_target"
LATENCY_RULE_OF_QUANTILE = {0.95: "latency_p95", 0.99: "latency_p99"}


def probe_rule_kinds(kind: str, unit: str, quantile: float | None, success_rate: bool) -> set[str]:
    """The probes' rule kinds that apply to a metric of this kind."""
    if kind == "ratio" and unit == "%" and not success_rate:
        return {"error_rate"}
    if kind == "quantile" and quantile in LATENCY_RULE_OF_QUANTILE:
        return {LATENCY_RULE_OF_QUANTILE[quantile]}
    return set()


@dataclass(frozen=True, slots=True)
class MetricPoints:
    """A metric's recent points, (epoch seconds, value), oldest first."""

    points: tuple[tuple[float, float], ...] = ()


def metric_window(rule: Rule, data: MetricPoints, now: float) -> Reading:
    """The mean of the points in the window; `options["direction"]` -1 judges a value
    that must stay above its target (its negation is compared with `above`)."""
    direction = rule.options.get("direction", 1.0)
    values = [v for at, v in data.points if now - rule.window_s <= at <= now]
    if len(values) < rule.min_samples:
        return NO_DATA
    mean = sum(values) / len(values)
    offending = sum(v * direction > rule.above for v in values)
    figures = {"mean": round(mean, 4), "points": len(values), "beyond_threshold": offending}
    return Reading(mean * direction, offending, figures)
