"""Rules about one component: its error rate, latency, SLA, outage and error budget.

Each measure reads a `ComponentData` and returns a `Reading`. Results taken while
the component was under maintenance never reach these windows (the evaluator
leaves them out, as the page's figures do).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from statuspage.rules.alerts.model import NO_DATA, Figures, Kinds, Reading, Rule
from statuspage.rules.alerts.samples import Counts, SampleWindow
from storage.vocabulary import ComponentStatus, StatusSource

MAJOR_OUTAGE = ComponentStatus.MAJOR_OUTAGE
PROBE = StatusSource.PROBE


@dataclass(frozen=True, slots=True)
class ComponentData:
    """What the rules know about one component at the moment they run."""

    samples: SampleWindow
    status: str | None = None  # the status in force
    status_source: str | None = None  # who set it: probe, manual or maintenance
    # Counts over windows longer than the samples are kept (from roll-ups), by span.
    long_counts: Mapping[float, Counts] = field(default_factory=dict)

    def counts(self, now: float, span_s: float) -> Counts | None:
        if span_s <= self.samples.keep_s:
            return self.samples.counts(now, span_s)
        return self.long_counts.get(span_s)


COMPONENT_KINDS: Kinds[ComponentData, Reading] = Kinds("component")


def error_rate(rule: Rule, data: ComponentData, now: float) -> Reading:
    """Percent of probes that failed in the window."""
    counts = data.counts(now, rule.window_s)
    if counts is None or counts.results < rule.min_samples:
        return NO_DATA
    percent = 100.0 * counts.failures / counts.results
    return Reading(percent, counts.failures, _count_figures(counts, percent, "error_rate_percent"))


def sla_share(rule: Rule, data: ComponentData, now: float) -> Reading:
    """Percent of successful probes slower than the component's SLA."""
    counts = data.counts(now, rule.window_s)
    if counts is None or counts.successes < rule.min_samples:
        return NO_DATA
    percent = 100.0 * counts.over_sla / counts.successes
    figures = {"over_sla_percent": round(percent, 2), "over_sla": counts.over_sla}
    return Reading(percent, counts.over_sla, figures | {"successes": counts.successes})


def _latency(rule: Rule, data: ComponentData, now: float, name: str, q: float | None) -> Reading:
    values = data.samples.latency_summary(now, rule.window_s)
    if len(values) < rule.min_samples:
        return NO_DATA
    value = values.total_ms / len(values) if q is None else values.quantile(q)
    slow = values.count_above(rule.above)
    figures = {name: round(value, 1), "samples": len(values), "over_threshold": slow}
    return Reading(value, slow, figures)


def latency_p95(rule: Rule, data: ComponentData, now: float) -> Reading:
    return _latency(rule, data, now, "p95_ms", 0.95)


def latency_p99(rule: Rule, data: ComponentData, now: float) -> Reading:
    return _latency(rule, data, now, "p99_ms", 0.99)


def latency_average(rule: Rule, data: ComponentData, now: float) -> Reading:
    return _latency(rule, data, now, "average_ms", None)


def outage(rule: Rule, data: ComponentData, now: float) -> Reading:
    """1 while the probes hold the component in a major outage, else 0.

    The status already needs `flap_threshold` agreeing results in every region; the
    guard still counts the failures that ended the window, so a threshold of one
    result cannot make a single failure page anyone.
    """
    if data.status is None:
        return NO_DATA
    down = data.status == MAJOR_OUTAGE and data.status_source == PROBE
    failing = data.samples.failing_run(now, rule.window_s or 600.0)
    figures: Figures = {"status": data.status, "consecutive_failures": failing}
    return Reading(1.0 if down else 0.0, failing if down else 0, figures)


def burn_rate(rule: Rule, data: ComponentData, now: float) -> Reading:
    """How fast the error budget burns: the error ratio over the budget's share.

    Measured over a long and a short window (options `long_s`, `short_s`), as SRE
    practice does: the long one proves it is real, the short one that it is still
    going on. The value is the smaller of the two burn rates.
    """
    budget = 1.0 - rule.options["objective"]
    long = data.counts(now, rule.options["long_s"])
    short = data.counts(now, rule.options["short_s"])
    if long is None or short is None or long.results < rule.min_samples or not short.results:
        return NO_DATA
    burn_long = long.failures / long.results / budget
    burn_short = short.failures / short.results / budget
    figures = {
        "burn_rate_long": round(burn_long, 2),
        "burn_rate_short": round(burn_short, 2),
        "failures": long.failures,
        "results": long.results,
        "objective_percent": round(100 * rule.options["objective"], 3),
    }
    return Reading(min(burn_long, burn_short), long.failures, figures)


def _count_figures(counts: Counts, percent: float, name: str) -> dict[str, float | int]:
    return {name: round(percent, 2), "failures": counts.failures, "results": counts.results}


# Each measure joins the registry by a call, not a decorator: mutmut leaves decorated
# functions unmutated (docs/testing.md), and these measures are what its run is for.
COMPONENT_KINDS.kind("error_rate")(error_rate)
COMPONENT_KINDS.kind("sla_share")(sla_share)
COMPONENT_KINDS.kind("latency_p95")(latency_p95)
COMPONENT_KINDS.kind("latency_p99")(latency_p99)
COMPONENT_KINDS.kind("latency_average")(latency_average)
COMPONENT_KINDS.kind("outage")(outage)
COMPONENT_KINDS.kind("burn_rate")(burn_rate)
