"""The evaluator with every default rule, over simulated result streams (Hypothesis):
probe intervals from 1 s to 10 min, failures placed at random, the clock passed in."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statuspage.alerting.evaluator import Evaluator, Scope
from statuspage.alerting.ruleset import RuleSet, build_ruleset
from storage.results.announce import Announced
from storage.vocabulary import AlertState
from tests.alerting.helpers import NOW, settings_for

START = NOW.timestamp()


def default_rules(tmp_path: Path) -> RuleSet:
    return build_ruleset(settings_for(tmp_path, f"sqlite:///{tmp_path / 'a.db'}"))


def run(ruleset: RuleSet, interval_s: float, failed: list[bool], slow_ms: float) -> set[str]:
    """Feed "api" one result per interval, judging as the service does; the rules fired."""
    evaluator = Evaluator(ruleset)
    fired = set()
    now = START
    for failure in failed:
        now += interval_s
        evaluator.add([Announced("api", "default", now, failure, slow_ms, slow_ms > 100)])
        steps = evaluator.evaluate(now, Scope.ARRIVED) + evaluator.evaluate(now, Scope.ROUND)
        fired |= {s.rule for s in steps if s.state is AlertState.FIRING}
    return fired


intervals = st.floats(min_value=1.0, max_value=600.0)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    interval_s=intervals,
    length=st.integers(min_value=1, max_value=200),
    at=st.floats(min_value=0.0, max_value=1.0),
    latency_ms=st.floats(min_value=1.0, max_value=5000.0),
)
def test_one_failed_probe_never_fires_anything(
    tmp_path: Path, interval_s: float, length: int, at: float, latency_ms: float
) -> None:
    """One failure among steady results, at any interval, fires no failure rule (the
    latency rules may fire on the latencies themselves: the stream keeps them level)."""
    failed = [False] * length
    failed[min(length - 1, int(at * length))] = True
    fired = run(default_rules(tmp_path), interval_s, failed, min(latency_ms, 90.0))
    assert fired == set()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(interval_s=st.floats(min_value=1.0, max_value=30.0), run_length=st.integers(2, 10))
def test_a_run_of_failures_fires_the_critical_error_rate(
    tmp_path: Path, interval_s: float, run_length: int
) -> None:
    """Two or more failures in a row that make more than 5 % of the 2-minute window
    fire it (counted here by brute force over the same timestamps)."""
    failed = [False] * 40 + [True] * run_length
    times = [START + interval_s * (i + 1) for i in range(len(failed))]
    now = times[-1]
    in_window = [f for t, f in zip(times, failed, strict=True) if now - 120 < t <= now]
    percent = 100 * sum(in_window) / len(in_window)
    fired = run(default_rules(tmp_path), interval_s, failed, 50.0)
    assert ("error-rate-critical" in fired) == (percent > 5 and sum(in_window) >= 2)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(interval_s=intervals, failures=st.lists(st.booleans(), min_size=1, max_size=150))
def test_nothing_fires_without_at_least_two_failures(
    tmp_path: Path, interval_s: float, failures: list[bool]
) -> None:
    if sum(failures) >= 2:
        failures = [f and i == failures.index(True) for i, f in enumerate(failures)]
    assert run(default_rules(tmp_path), interval_s, failures, 50.0) == set()


# Healthy at 50 ms with spikes at one level per stream, across the default objectives
# (average 500, p95 1000, p99 2000 ms); over the SLA now and then whatever the latency,
# so each rule's part of the shortcut is tried alone.
spike_levels = st.sampled_from([500.0, 600.0, 1200.0, 2500.0])
sometimes = st.sampled_from([False, False, False, True])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    interval_s=st.floats(min_value=5.0, max_value=60.0),
    spike_ms=spike_levels,
    results=st.lists(st.tuples(sometimes, sometimes), min_size=10, max_size=80),
    failed=st.sets(st.integers(min_value=0, max_value=79), max_size=2),
)
def test_a_round_moves_the_same_alerts_as_a_sweep_of_every_rule(
    tmp_path: Path,
    interval_s: float,
    spike_ms: float,
    results: list[tuple[bool, bool]],
    failed: set[int],
) -> None:
    """A round measures a healthy component's latency rules only, and none of them while
    no sample offends on its own; a sweep measures every rule. Fed the same results,
    they move the same alerts at the same moments, with the same figures."""
    rounds, sweeps = Evaluator(default_rules(tmp_path)), Evaluator(default_rules(tmp_path))
    now = START
    for n, (spike, slow) in enumerate(results):
        now += interval_s
        ms = spike_ms if spike else 50.0
        batch = [Announced(c, "default", now, n in failed, ms, slow) for c in ("api", "payments")]
        rounds.add(batch)
        sweeps.add(batch)
        judged = rounds.evaluate(now, Scope.ARRIVED) + rounds.evaluate(now, Scope.ROUND)
        assert judged == sweeps.evaluate(now, Scope.ARRIVED) + sweeps.evaluate(now, Scope.SWEEP)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    results=st.lists(st.tuples(sometimes, sometimes), min_size=5, max_size=40),
    failed=st.sets(st.integers(min_value=0, max_value=39), max_size=3),
    slice_size=st.integers(min_value=1, max_value=3),
)
def test_judged_in_slices_the_steps_are_those_of_one_pass(
    tmp_path: Path, results: list[tuple[bool, bool]], failed: set[int], slice_size: int
) -> None:
    """The service judges a round or a sweep a slice of components at a time (letting
    the event loop run between them): the same alerts move, in the same order."""
    whole, sliced = Evaluator(default_rules(tmp_path)), Evaluator(default_rules(tmp_path))
    components = ("api", "auth", "payments", "search")
    now = START
    for n, (spike, slow) in enumerate(results):
        now += 30.0
        batch = [
            Announced(
                c, "default", now, n in failed and c != "auth", 3000.0 if spike else 50.0, slow
            )
            for c in components
        ]
        whole.add(batch)
        sliced.add(batch[: n % 5])  # some components fed late, in the next batch
        sliced.add(batch[n % 5 :])
        for scope in (Scope.ARRIVED, Scope.ROUND, Scope.SWEEP if n % 7 == 0 else Scope.ROUND):
            parts = list(sliced.evaluating(now, scope, slice_size=slice_size))
            assert [s for part in parts for s in part] == whole.evaluate(now, scope)
            if scope is Scope.SWEEP:  # every component known, in slices, then the site
                assert len(parts) == -(-len(whole.ruleset.by_component) // slice_size) + 1
