"""A healthy component's shortcut: it vouches that no success rule can breach only
when measuring every one of them would find none breaching."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from statuspage.rules.alerts.component_rules import COMPONENT_KINDS, ComponentData
from statuspage.rules.alerts.model import Rule
from statuspage.rules.alerts.quiet import Quiet
from statuspage.rules.alerts.samples import Sample, SampleWindow
from tests.rules.alerts.builders import (
    HOUR,
    MINUTE,
    NOW,
    WARNING,
    every,
    production_rules,
    rule,
    sample,
    window_of,
)

P95 = rule(name="p95", kind="latency_p95", above=1000.0, window_s=5 * MINUTE, min_samples=1)
AVERAGE = rule(name="avg", kind="latency_average", above=500.0, window_s=10 * MINUTE)
SLA = rule(name="sla", kind="sla_share", above=10.0, window_s=10 * MINUTE)


def quiet(*rules: Rule) -> Quiet:
    return Quiet.of(rules, HOUR)


def steady(ms: float = 100.0, *, slow_at: int | None = None) -> list[Sample]:
    return [sample(at, ms=ms, slow=n == slow_at) for n, at in enumerate(every(30.0, 40))]


def test_a_healthy_window_under_every_objective_cannot_breach_the_production_rules() -> None:
    shortcut = Quiet.of(production_rules(), HOUR)
    assert {r.kind for r in shortcut.rules} == {
        "latency_p95",
        "latency_p99",
        "latency_average",
        "sla_share",
    }
    assert shortcut.holds(window_of(steady()), NOW)


def test_one_latency_over_the_lowest_threshold_in_the_longest_window_stops_the_shortcut() -> None:
    samples = steady()
    samples[-20] = sample(samples[-20].at, ms=500.1)  # 9.5 minutes ago: only AVERAGE's window
    assert not quiet(P95, AVERAGE).holds(window_of(samples), NOW)
    assert quiet(P95).holds(window_of(samples), NOW)  # under 1000, and outside five minutes
    assert quiet(P95, AVERAGE).holds(window_of(samples), NOW + 30)  # it left the window


def test_a_latency_at_the_threshold_does_not_offend() -> None:
    assert quiet(AVERAGE).holds(window_of(steady(500.0)), NOW)


def test_a_success_over_the_sla_stops_the_shortcut_only_for_a_rule_counting_them() -> None:
    window = window_of(steady(slow_at=39))
    assert not quiet(P95, SLA).holds(window, NOW)
    assert quiet(P95, AVERAGE).holds(window, NOW)


def test_a_window_with_no_successes_cannot_breach_a_latency_rule() -> None:
    window = window_of(sample(at, failed=True) for at in every(30.0, 5))
    assert quiet(P95).holds(window, NOW)


def test_a_guard_met_without_offending_samples_or_a_window_from_roll_ups_never_holds() -> None:
    window = window_of(steady())
    assert not quiet(P95, replace(AVERAGE, min_offending=0)).holds(window, NOW)
    assert not quiet(P95, replace(SLA, window_s=2 * HOUR)).holds(window, NOW)
    assert quiet(P95, replace(SLA, window_s=HOUR)).holds(window, NOW)
    assert quiet(P95, replace(AVERAGE, min_offending=1)).holds(window, NOW)  # one is enough


def test_rules_that_count_failures_are_left_to_the_full_measurement() -> None:
    shortcut = quiet(rule(name="errors"), P95, rule(name="down", kind="outage"), SLA)
    assert shortcut.rules == (P95, SLA)
    assert (shortcut.span_s, shortcut.fastest_ms, shortcut.sla) == (10 * MINUTE, 1000.0, True)
    assert quiet(SLA).fastest_ms == float("inf")


latency_ms = st.integers(min_value=0, max_value=12).map(float)  # ties with thresholds happen
samples = st.builds(
    Sample,
    at=st.integers(min_value=0, max_value=40).map(lambda n: NOW - 15.0 * n),
    failed=st.booleans(),
    latency_ms=latency_ms,
    over_sla=st.booleans(),
)
success_rules = st.builds(
    Rule,
    name=st.sampled_from(["a", "b", "c"]),
    kind=st.sampled_from(["latency_p95", "latency_p99", "latency_average", "sla_share"]),
    severity=st.just(WARNING),
    above=latency_ms,
    clear_at=st.just(0.0),
    window_s=st.sampled_from([0.0, 60.0, 300.0, 600.0]),
    min_samples=st.integers(min_value=1, max_value=4),
    min_offending=st.integers(min_value=1, max_value=3),
)


@given(st.lists(samples, max_size=40), st.lists(success_rules, max_size=4), st.integers(-2, 2))
def test_when_the_shortcut_holds_no_rule_measured_on_the_same_window_breaches(
    kept: list[Sample], rules: list[Rule], later: int
) -> None:
    window, now = window_of(kept, HOUR), NOW + 15.0 * later
    if Quiet.of(rules, HOUR).holds(window, now):
        data = ComponentData(window)
        assert not any(r.breached(COMPONENT_KINDS.measure(r, data, now)) for r in rules)


@given(
    st.lists(samples, max_size=40),
    st.lists(success_rules, max_size=4),
    st.integers(-2, 2),
    st.sampled_from([None, 0.0, 6.0, 12.0]),
)
def test_a_window_watching_the_lowest_threshold_gives_the_shortcut_the_same_answer(
    kept: list[Sample], rules: list[Rule], later: int, rewatch_ms: float | None
) -> None:
    """The evaluator's windows remember their newest slow success, failure and success
    over the SLA, so the shortcut is mostly one comparison: never another answer than
    the look at the window's values gives (samples arrive out of order here, and the
    watched latency may change, as a reload does)."""
    shortcut, now = Quiet.of(rules, HOUR), NOW + 15.0 * later
    watching = SampleWindow(HOUR, shortcut.fastest_ms if rewatch_ms is None else rewatch_ms)
    for each in kept:
        watching.add(each)
    if rewatch_ms is not None:
        watching.watch(shortcut.fastest_ms)
    assert shortcut.holds(watching, now) == shortcut.holds(window_of(kept, HOUR), now)
