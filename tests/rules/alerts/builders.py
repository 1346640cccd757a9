"""Builders for the alert-rule tests: rules, samples, windows, and a stream of probe
results driven through the lifecycle exactly as the evaluator will drive it (each
committed result is measured by every rule at the result's own time)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from statuspage.rules.alerts.component_rules import COMPONENT_KINDS, ComponentData
from statuspage.rules.alerts.lifecycle import Change, Tracked, step
from statuspage.rules.alerts.model import Rule
from statuspage.rules.alerts.samples import Counts, Sample, SampleWindow
from storage.vocabulary import AlertSeverity, ComponentStatus, StatusSource

MINUTE = 60.0
HOUR = 60 * MINUTE
DAY = 24 * HOUR
NOW = 1_780_000_000.0  # an arbitrary moment, in epoch seconds

CRITICAL, WARNING, INFO = AlertSeverity.CRITICAL, AlertSeverity.WARNING, AlertSeverity.INFO

_PLAIN = Rule("rule", "error_rate", CRITICAL, above=5.0, clear_at=2.0, window_s=2 * MINUTE)


def rule(**fields: Any) -> Rule:
    """An error-rate rule (> 5 % over 2 minutes, clear at 2 %) unless told otherwise."""
    return replace(_PLAIN, **fields)


def sample(at: float, *, failed: bool = False, ms: float = 100.0, slow: bool = False) -> Sample:
    return Sample(at, failed=failed, latency_ms=ms, over_sla=slow)


def window_of(samples: Iterable[Sample], keep_s: float = DAY) -> SampleWindow:
    window = SampleWindow(keep_s)
    for each in samples:
        window.add(each)
    return window


def counted(samples: Iterable[Sample], now: float, span_s: float) -> Counts:
    """The counts of a window, the slow way: one look at every sample."""
    inside = [s for s in samples if now - span_s < s.at <= now]
    ok = [s for s in inside if not s.failed]
    return Counts(
        results=len(inside),
        failures=len(inside) - len(ok),
        over_sla=sum(s.over_sla for s in ok),
        latency_sum_ms=sum(s.latency_ms for s in ok),
    )


def every(interval_s: float, count: int, *, end: float = NOW) -> list[float]:
    """`count` probe times `interval_s` apart, the last one at `end`."""
    return [end - (count - 1 - n) * interval_s for n in range(count)]


def burn(objective: float, long_s: float, short_s: float) -> dict[str, float]:
    return {"objective": objective, "long_s": long_s, "short_s": short_s}


def production_rules(guard: int = 2, objective: float = 0.99) -> list[Rule]:
    """The production configuration's component rules, with `guard` as both
    `min_samples` and `min_offending`. Every `for_s` is 0, the strictest setting: a
    breach fires at the step it is seen, so a guard that holds here holds with any hold."""
    rules = [
        Rule("errors_critical", "error_rate", CRITICAL, 5.0, 2.5, 2 * MINUTE),
        Rule("errors_warning", "error_rate", WARNING, 2.0, 1.0, 5 * MINUTE),
        Rule("errors_info", "error_rate", INFO, 1.0, 0.5, 10 * MINUTE),
        Rule("p95", "latency_p95", CRITICAL, 1000.0, 800.0, 10 * MINUTE),
        Rule("p99", "latency_p99", WARNING, 2000.0, 1600.0, 10 * MINUTE),
        Rule("average", "latency_average", INFO, 500.0, 400.0, 10 * MINUTE),
        Rule("over_sla", "sla_share", WARNING, 10.0, 5.0, 10 * MINUTE),
        Rule("outage", "outage", CRITICAL, 0.5, 0.0),
        Rule("burn_fast", "burn_rate", CRITICAL, 14.4, 7.0, options=burn(objective, HOUR, 300)),
        Rule("burn_slow", "burn_rate", WARNING, 6.0, 3.0, options=burn(objective, 6 * HOUR, 1800)),
        Rule(
            "burn_ticket", "burn_rate", INFO, 1.0, 0.5, options=burn(objective, 3 * DAY, 6 * HOUR)
        ),
    ]
    return [replace(r, min_samples=guard, min_offending=guard) for r in rules]


@dataclass(frozen=True, slots=True)
class Event:
    rule: str
    change: Change
    at: float


def drive(rules: Sequence[Rule], samples: Iterable[Sample], flap_threshold: int = 1) -> list[Event]:
    """Commit `samples` one by one and step every rule at each one's time.

    The component's status follows the probes: a major outage once the newest
    `flap_threshold` results failed (1, the least careful setting), operational otherwise.
    """
    window = SampleWindow(3 * DAY)
    tracked: dict[str, Tracked | None] = {r.name: None for r in rules}
    events: list[Event] = []
    for each in samples:
        window.add(each)
        now = each.at
        window.forget_before(now)
        down = window.failing_run(now, window.keep_s) >= flap_threshold
        status = ComponentStatus.MAJOR_OUTAGE if down else ComponentStatus.OPERATIONAL
        data = ComponentData(window, status, StatusSource.PROBE)
        for r in rules:
            result = step(r, tracked[r.name], COMPONENT_KINDS.measure(r, data, now), now)
            tracked[r.name] = result.tracked
            if result.change is not None:
                events.append(Event(r.name, result.change, now))
    return events
