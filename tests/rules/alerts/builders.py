"""Builders for the alert-rule tests: rules (and those of the production configuration),
samples, windows, and a stream of probe results driven through the lifecycle as the
evaluator drives it (each committed result is measured by every rule at its own time)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from statuspage.alerting.ruleset import build_ruleset
from statuspage.config import load_settings
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


_SITE = """
[[components]]
id = "api"
name = "API"
url = "http://127.0.0.1:9/health"
sla_ms = 500

[[components]]
id = "payments"
name = "Payments"
url = "http://127.0.0.1:9/pay"
sla_ms = 500
critical = true
"""


@cache
def production_rules(critical: bool = False) -> tuple[Rule, ...]:
    """The rules a component gets from the production configuration (a site with no
    `[[alerts]]`), as the evaluator builds them; `critical` for a component marked so."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statuspage.toml"
        path.write_text(_SITE, "utf-8")
        ruleset = build_ruleset(load_settings(path, {}))
    return ruleset.by_component["payments" if critical else "api"]


def guarded(rules: Iterable[Rule], guard: int) -> list[Rule]:
    """`rules` with `guard` as both `min_samples` and `min_offending`."""
    return [replace(r, min_samples=guard, min_offending=guard) for r in rules]


@dataclass(frozen=True, slots=True)
class Event:
    rule: str
    change: Change
    at: float


def drive(
    rules: Sequence[Rule],
    samples: Iterable[Sample],
    *,
    keep_s: float = HOUR,
    flap_threshold: int = 1,
) -> list[Event]:
    """Commit `samples` one by one and step every rule at each one's time.

    The window keeps `keep_s` of samples, as the evaluator does; longer windows are
    counted exactly from every sample so far (the roll-ups' part). The component's status
    follows the probes: a major outage once the newest `flap_threshold` results failed
    (1, the least careful setting), operational otherwise.
    """
    window, seen = SampleWindow(keep_s), list[Sample]()
    spans = {r.options.get(key, 0.0) for r in rules for key in ("long_s", "short_s")}
    long_spans = {span for span in spans if span > keep_s}
    tracked: dict[str, Tracked | None] = {r.name: None for r in rules}
    events: list[Event] = []
    for each in samples:
        window.add(each)
        seen.append(each)
        now = each.at
        window.forget_before(now)
        down = window.failing_run(now, keep_s) >= flap_threshold
        status = ComponentStatus.MAJOR_OUTAGE if down else ComponentStatus.OPERATIONAL
        long_counts = {span: counted(seen, now, span) for span in long_spans}
        data = ComponentData(window, status, StatusSource.PROBE, long_counts)
        for r in rules:
            result = step(r, tracked[r.name], COMPONENT_KINDS.measure(r, data, now), now)
            tracked[r.name] = result.tracked
            if result.change is not None:
                events.append(Event(r.name, result.change, now))
    return events
