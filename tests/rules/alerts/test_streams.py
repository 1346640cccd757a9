"""Simulated streams of probe results, driven through the production configuration's
rules as the evaluator drives them: one failed probe never alerts anyone, at any probe
interval, and nothing is judged on too little data. The clock is the results' own times."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from statuspage.rules.alerts.lifecycle import Change
from statuspage.rules.alerts.model import Rule
from statuspage.rules.alerts.samples import Sample
from tests.rules.alerts.builders import (
    NOW,
    Event,
    counted,
    drive,
    every,
    guarded,
    production_rules,
    sample,
)

intervals = st.floats(min_value=1.0, max_value=600.0)  # 1 s to 10 min between probes
starts = st.integers(min_value=0, max_value=2_000_000_000).map(float)
healthy_ms = st.floats(min_value=1.0, max_value=400.0)  # within every latency objective
any_ms = st.floats(min_value=0.0, max_value=120_000.0)
critical = st.booleans()  # a component marked critical has a stricter objective


@st.composite
def production(draw: st.DrawFn) -> list[Rule]:
    """The production rules, or the same with any guard of 2 or more."""
    rules = production_rules(draw(critical))
    guard = draw(st.none() | st.integers(min_value=2, max_value=4))
    return list(rules) if guard is None else guarded(rules, guard)


@st.composite
def one_failure_among_successes(draw: st.DrawFn) -> list[Sample]:
    interval, start = draw(intervals), draw(starts)
    count = draw(st.integers(min_value=1, max_value=400))
    failure = draw(st.integers(min_value=0, max_value=count - 1))
    latencies = draw(st.lists(healthy_ms, min_size=count, max_size=count))
    failed_ms = draw(any_ms)  # a timeout is slow: it must not count as a latency either
    return [
        sample(start + n * interval, ms=failed_ms, failed=True)
        if n == failure
        else sample(start + n * interval, ms=latencies[n])
        for n in range(count)
    ]


@st.composite
def anything(draw: st.DrawFn, max_count: int) -> list[Sample]:
    interval, start = draw(intervals), draw(starts)
    outcomes = st.tuples(st.booleans(), any_ms, st.booleans())
    drawn = draw(st.lists(outcomes, max_size=max_count))
    return [
        sample(start + n * interval, failed=failed, ms=ms, slow=slow)
        for n, (failed, ms, slow) in enumerate(drawn)
    ]


@settings(max_examples=150, deadline=None)
@given(one_failure_among_successes(), production())
def test_one_failed_probe_never_alerts_anyone_at_any_interval(
    stream: list[Sample], rules: list[Rule]
) -> None:
    assert drive(rules, stream) == []


@settings(deadline=None)
@given(st.data(), st.integers(min_value=2, max_value=4), critical)
def test_fewer_probes_than_the_guard_never_alert_whatever_they_say(
    data: st.DataObject, guard: int, is_critical: bool
) -> None:
    stream = data.draw(anything(max_count=guard - 1))
    assert drive(guarded(production_rules(is_critical), guard), stream) == []


def judged(rule: Rule, stream: list[Sample], now: float) -> int:
    """How many samples the rule judged at `now`: results for error rates and burns,
    successes for the SLA share and latency (a failure has no latency)."""
    span = rule.options["long_s"] if rule.kind == "burn_rate" else rule.window_s
    counts = counted(stream, now, span)
    return counts.results if rule.kind in {"error_rate", "burn_rate"} else counts.successes


@settings(deadline=None)
@given(anything(max_count=80), st.integers(min_value=2, max_value=12), critical)
def test_no_rule_fires_on_fewer_samples_than_its_minimum(
    stream: list[Sample], minimum: int, is_critical: bool
) -> None:
    # One offending sample is allowed here, so that min_samples alone holds the line.
    rules = [
        replace(r, min_samples=minimum, min_offending=1) for r in production_rules(is_critical)
    ]
    by_name = {r.name: r for r in rules if r.kind != "outage"}  # a status, not a sample count
    for event in drive(rules, stream):
        if event.rule in by_name:
            assert judged(by_name[event.rule], stream, event.at) >= minimum


def fired(events: list[Event]) -> set[str]:
    return {e.rule for e in events if e.change is Change.FIRED}


def test_two_failed_probes_in_a_row_fire_the_outage_the_error_rates_and_the_fast_burn() -> None:
    stream = [sample(at, failed=n >= 8) for n, at in enumerate(every(60.0, 10))]
    errors = {"error-rate-critical", "error-rate-warning", "error-rate-info"}
    # The slow burn needs 30 results in its three days before it judges at all.
    assert fired(drive(production_rules(), stream)) == {"outage", *errors, "budget-fast-burn"}


def test_a_recovered_component_resolves_its_outage_at_once() -> None:
    stream = [sample(at, failed=8 <= n < 10) for n, at in enumerate(every(60.0, 20))]
    outage = [e for e in drive(production_rules(), stream) if e.rule == "outage"]
    assert outage == [
        Event("outage", Change.FIRED, NOW - 600),
        Event("outage", Change.RESOLVED, NOW - 540),
    ]


def test_slow_probes_fire_the_latency_rules_once_two_are_slow() -> None:
    stream = [sample(at, ms=3000.0 if n >= 8 else 100.0) for n, at in enumerate(every(60.0, 10))]
    events = drive(production_rules(), stream)
    assert fired(events) == {"latency-p95", "latency-p99", "latency-average"}
    assert {e.at for e in events} == {NOW}


def test_a_burn_over_the_hour_fires_the_fast_burn_of_a_critical_component_only() -> None:
    # One failure in every 20 probes for an hour: 5 %, a burn of 5 against a 1 % budget
    # and of 50 against the 0.1 % budget of a component marked critical.
    stream = [sample(at, failed=n % 20 == 19) for n, at in enumerate(every(60.0, 60))]
    assert "budget-fast-burn" not in fired(drive(production_rules(), stream))
    assert "budget-fast-burn" in fired(drive(production_rules(critical=True), stream))
