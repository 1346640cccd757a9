"""Rules about the application's own metrics: the same thresholds over windows as the
probes' rules, judged on a metric's points.

Which rules a metric gets follows its kind (docs/metrics.md): an error rate (a ratio
metric in "%" without a `target_above`, which would make it a success rate) gets the
error-rate rules; a quantile metric at 0.95 or 0.99 gets the
p95 or p99 latency rule; a metric marked `average_latency` the average latency rule; a
metric with a target gets `metric-target`. Each judges the
mean of the points in the rule's window, with the rules' usual guard: `min_samples`
points before judging at all, `min_offending` points beyond the threshold on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from statuspage.rules.alerts.model import NO_DATA, Reading, Rule

METRIC_TARGET = "metric_target"
METRIC_BURN = "metric_burn_rate"
RAW_S = 3600.0  # windows up to this are judged on the points; longer on hourly roll-ups
LATENCY_RULE_OF_QUANTILE = {0.95: "latency_p95", 0.99: "latency_p99"}


def probe_rule_kinds(
    kind: str, unit: str, quantile: float | None, success_rate: bool, average_latency: bool = False
) -> set[str]:
    """The probes' rule kinds that apply to a metric of this kind."""
    if average_latency:  # marked so in its settings, whatever its kind works it out by
        return {"latency_average"}
    if kind == "ratio" and unit == "%" and not success_rate:
        return {"error_rate", "burn_rate"}
    if kind == "quantile" and quantile in LATENCY_RULE_OF_QUANTILE:
        return {LATENCY_RULE_OF_QUANTILE[quantile]}
    return set()


@dataclass(frozen=True, slots=True)
class MetricPoints:
    """A metric's recent points, (epoch seconds, value), oldest first, and for windows
    longer than RAW_S the (mean, points) of the hourly roll-ups, by window."""

    points: tuple[tuple[float, float], ...] = ()
    long: Mapping[float, tuple[float, int]] = field(default_factory=dict)

    def values(self, now: float, span_s: float) -> list[float]:
        return [v for at, v in self.points if now - span_s <= at <= now]

    def mean(self, now: float, span_s: float) -> tuple[float, int] | None:
        """(mean, points) over the span; None when nothing was measured in it."""
        if span_s > RAW_S:
            return self.long.get(span_s)
        values = self.values(now, span_s)
        return (sum(values) / len(values), len(values)) if values else None


def metric_window(rule: Rule, data: MetricPoints, now: float) -> Reading:
    """The mean of the points in the window; `options["direction"]` -1 judges a value
    that must stay above its target (its negation is compared with `above`)."""
    direction = rule.options.get("direction", 1.0)
    values = data.values(now, rule.window_s)
    if len(values) < rule.min_samples:
        return NO_DATA
    mean = sum(values) / len(values)
    offending = sum(v * direction > rule.above for v in values)
    figures = {"mean": round(mean, 4), "points": len(values), "beyond_threshold": offending}
    return Reading(mean * direction, offending, figures)


def metric_burn_rate(rule: Rule, data: MetricPoints, now: float) -> Reading:
    """How fast an error-rate metric burns its budget (`options["budget"]`, its
    `target_below` in percent): the mean error rate over the budget, over a long and a
    short window (`long_s`, `short_s`), the smaller of the two, as for components. The
    guard counts the short window's points that burn faster than `above` on their own."""
    budget = rule.options["budget"]
    long = data.mean(now, rule.options["long_s"])
    short = data.mean(now, rule.options["short_s"])
    if long is None or short is None or long[1] < rule.min_samples:
        return NO_DATA
    burn_long, burn_short = long[0] / budget, short[0] / budget
    recent = data.values(now, min(rule.options["short_s"], RAW_S))
    offending = sum(v / budget > rule.above for v in recent)
    figures = {
        "burn_rate_long": round(burn_long, 2),
        "burn_rate_short": round(burn_short, 2),
        "points": long[1],
        "budget_percent": budget,
    }
    return Reading(min(burn_long, burn_short), offending, figures)


def measure(rule: Rule, data: MetricPoints, now: float) -> Reading:
    return (
        metric_burn_rate(rule, data, now)
        if rule.kind == METRIC_BURN
        else metric_window(rule, data, now)
    )
