"""Simulated streams of probe results, driven through every production rule as the
evaluator drives them: one failed probe never alerts anyone, at any probe interval,
and nothing is judged on too little data. The clock is the results' own times."""

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
    production_rules,
    sample,
)

intervals = st.floats(min_value=1.0, max_value=600.0)  # 1 s to 10 min between probes
starts = st.integers(min_value=0, max_value=2_000_000_000).map(float)
healthy_ms = st.floats(min_value=1.0, max_value=400.0)  # well within every latency rule
any_ms = st.floats(min_value=0.0, max_value=120_000.0)
guards = st.integers(min_value=2, max_value=4)
objectives = st.sampled_from([0.99, 0.999])  # every component, and critical ones


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
@given(one_failure_among_successes(), guards, objectives)
def test_one_failed_probe_never_alerts_anyone_at_any_interval(
    stream: list[Sample], guard: int, objective: float
) -> None:
    assert drive(production_rules(guard, objective), stream) == []


@settings(deadline=None)
@given(st.data(), guards, objectives)
def test_fewer_probes_than_the_guard_never_alert_whatever_they_say(
    data: st.DataObject, guard: int, objective: float
) -> None:
    stream = data.draw(anything(max_count=guard - 1))
    assert drive(production_rules(guard, objective), stream) == []


def judged(rule: Rule, stream: list[Sample], now: float) -> int:
    """How many samples the rule judged at `now`: results for error rates and burns,
    successes for the SLA share and latency (a failure has no latency)."""
    span = rule.options["long_s"] if rule.kind == "burn_rate" else rule.window_s
    counts = counted(stream, now, span)
    return counts.results if rule.kind in {"error_rate", "burn_rate"} else counts.successes


@settings(deadline=None)
@given(anything(max_count=80), st.integers(min_value=2, max_value=8), objectives)
def test_no_rule_fires_on_fewer_samples_than_its_minimum(
    stream: list[Sample], minimum: int, objective: float
) -> None:
    # One offending sample is allowed here, so that min_samples alone holds the line.
    rules = [
        replace(r, min_samples=minimum, min_offending=1) for r in production_rules(2, objective)
    ]
    by_name = {r.name: r for r in rules if r.kind != "outage"}  # a status, not a sample count
    for event in drive(rules, stream):
        if event.rule in by_name:
            assert judged(by_name[event.rule], stream, event.at) >= minimum


def test_two_failed_probes_in_a_row_fire_the_outage_the_error_rates_and_the_burns() -> None:
    stream = [sample(at, failed=n >= 8) for n, at in enumerate(every(60.0, 10))]
    fired = {e.rule for e in drive(production_rules(), stream) if e.change is Change.FIRED}
    errors = {"errors_critical", "errors_warning", "errors_info"}
    # Ten minutes of history is all the burn windows have: 20 % of it failed.
    assert fired == {"outage", *errors, "burn_fast", "burn_slow", "burn_ticket"}


def test_a_recovered_component_resolves_what_fired() -> None:
    stream = [sample(at, failed=8 <= n < 10) for n, at in enumerate(every(60.0, 20))]
    outage = [e for e in drive(production_rules(), stream) if e.rule == "outage"]
    assert outage == [
        Event("outage", Change.FIRED, NOW - 600),
        Event("outage", Change.RESOLVED, NOW - 540),
    ]


def test_slow_probes_fire_the_latency_rules_once_two_are_slow() -> None:
    stream = [sample(at, ms=3000.0 if n >= 8 else 100.0) for n, at in enumerate(every(60.0, 10))]
    fired = [e for e in drive(production_rules(), stream) if e.change is Change.FIRED]
    assert {e.rule for e in fired} == {"p95", "p99", "average"}
    assert {e.at for e in fired} == {NOW}
