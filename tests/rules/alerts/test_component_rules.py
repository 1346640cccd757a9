"""What each component rule measures, with values worked out by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

from statuspage.rules.alerts.component_rules import (
    COMPONENT_KINDS,
    ComponentData,
    burn_rate,
    error_rate,
    latency_average,
    latency_p95,
    latency_p99,
    outage,
    sla_share,
)
from statuspage.rules.alerts.model import NO_DATA, Figures, Reading
from statuspage.rules.alerts.samples import Counts, Sample
from storage.vocabulary import ComponentStatus, StatusSource
from tests.rules.alerts.builders import HOUR, MINUTE, NOW, burn, every, rule, sample, window_of

DOWN, PROBE = ComponentStatus.MAJOR_OUTAGE, StatusSource.PROBE


def component(
    samples: Iterable[Sample],
    status: str | None = None,
    source: str | None = None,
    *,
    keep_s: float = 6 * HOUR,
    long_counts: Mapping[float, Counts] | None = None,
) -> ComponentData:
    return ComponentData(window_of(samples, keep_s), status, source, long_counts or {})


def failing(times: list[float], failed: set[int]) -> list[Sample]:
    """Samples at `times`, the ones at the indexes in `failed` failing."""
    return [sample(at, failed=n in failed) for n, at in enumerate(times)]


# Error rate


def test_three_failures_in_sixty_is_five_percent_which_is_not_above_five() -> None:
    data = component(failing(every(2.0, 60), {10, 20, 30}))
    reading = error_rate(rule(above=5.0), data, NOW)
    assert reading == Reading(5.0, 3, {"error_rate_percent": 5.0, "failures": 3, "results": 60})
    assert rule(above=5.0).breached(reading) is False


def test_four_failures_in_sixty_breaches_the_critical_error_rate() -> None:
    reading = error_rate(rule(above=5.0), component(failing(every(2.0, 60), {1, 2, 3, 4})), NOW)
    assert reading.value == pytest.approx(6.667, abs=0.001)
    assert reading.figures["error_rate_percent"] == 6.67
    assert rule(above=5.0).breached(reading) is True


def test_the_warning_error_rate_needs_more_than_two_percent_of_five_minutes() -> None:
    warning = rule(above=2.0, clear_at=1.0, window_s=5 * MINUTE)
    times = every(1.0, 300)
    assert (
        warning.breached(error_rate(warning, component(failing(times, set(range(6)))), NOW))
        is False
    )
    assert (
        warning.breached(error_rate(warning, component(failing(times, set(range(7)))), NOW)) is True
    )


def test_the_error_rate_counts_only_the_rule_window() -> None:
    old_failures = [sample(NOW - 121 - n, failed=True) for n in range(5)]
    data = component(
        [*old_failures, sample(NOW - 120, failed=True), *failing(every(10.0, 10), set())]
    )
    assert error_rate(rule(window_s=120.0), data, NOW).value == 0.0


def test_one_failure_of_two_probes_is_fifty_percent_but_cannot_breach_on_its_own() -> None:
    reading = error_rate(rule(), component(failing(every(60.0, 2), {1})), NOW)
    assert (reading.value, reading.offending) == (50.0, 1)
    assert rule().breached(reading) is False


def test_the_error_rate_with_fewer_results_than_min_samples_is_not_judged() -> None:
    data = component(failing(every(10.0, 3), {0, 1, 2}))
    assert error_rate(rule(min_samples=4), data, NOW) is NO_DATA
    assert error_rate(rule(min_samples=3), data, NOW).value == 100.0


# Share over the SLA


def test_the_sla_share_is_slow_successes_over_successes() -> None:
    times = every(10.0, 25)
    samples = [sample(at, failed=n >= 20, slow=n in {3, 7, 21}) for n, at in enumerate(times)]
    reading = sla_share(rule(window_s=10 * MINUTE), component(samples), NOW)
    assert reading == Reading(10.0, 2, {"over_sla_percent": 10.0, "over_sla": 2, "successes": 20})


def test_the_sla_share_needs_min_samples_successes_not_results() -> None:
    samples = [sample(at, failed=n >= 20) for n, at in enumerate(every(10.0, 25))]
    assert sla_share(rule(window_s=600.0, min_samples=21), component(samples), NOW) is NO_DATA
    assert sla_share(rule(window_s=600.0, min_samples=20), component(samples), NOW).value == 0.0


def test_the_sla_share_rounds_its_figure_to_two_decimals() -> None:
    samples = [sample(at, slow=n == 0) for n, at in enumerate(every(1.0, 3))]
    reading = sla_share(rule(window_s=60.0), component(samples), NOW)
    assert reading.figures["over_sla_percent"] == 33.33


# Latency


TWENTY_MS = [
    50.0 * v + 0.44 for v in (13, 7, 20, 1, 16, 4, 10, 19, 2, 5, 8, 11, 14, 17, 3, 6, 9, 12, 15, 18)
]


def latencies(
    values: list[float], *, failures: int = 0, failed_ms: float = 60_000.0
) -> ComponentData:
    times = every(10.0, len(values) + failures)
    ok = [sample(at, ms=ms) for at, ms in zip(times, values, strict=False)]
    return component(ok + [sample(at, failed=True, ms=failed_ms) for at in times[len(values) :]])


def test_the_p95_of_twenty_latencies_is_the_nineteenth_smallest() -> None:
    reading = latency_p95(rule(above=920.0, window_s=600.0), latencies(TWENTY_MS), NOW)
    assert reading == Reading(950.44, 2, {"p95_ms": 950.4, "samples": 20, "over_threshold": 2})


def test_the_p99_of_twenty_latencies_is_the_largest() -> None:
    reading = latency_p99(rule(above=2000.0, window_s=600.0), latencies(TWENTY_MS), NOW)
    assert reading == Reading(1000.44, 0, {"p99_ms": 1000.4, "samples": 20, "over_threshold": 0})


def test_the_average_latency_is_of_the_successes_only() -> None:
    data = latencies([100.0, 200.0, 300.0, 1000.0], failures=3)
    reading = latency_average(rule(above=500.0, window_s=600.0), data, NOW)
    assert reading == Reading(400.0, 1, {"average_ms": 400.0, "samples": 4, "over_threshold": 1})


def test_a_latency_at_the_threshold_is_not_over_it() -> None:
    reading = latency_average(
        rule(above=500.0, window_s=600.0), latencies([500.0, 500.0, 500.1]), NOW
    )
    assert reading.offending == 1
    assert reading.figures["over_threshold"] == 1


def test_one_slow_probe_lifts_the_average_but_cannot_breach_on_its_own() -> None:
    slow = rule(kind="latency_average", above=500.0, window_s=600.0)
    reading = latency_average(slow, latencies([30_000.0, 20.0, 20.0]), NOW)
    assert reading.value == pytest.approx(10_013.33, abs=0.01)
    assert slow.breached(reading) is False


def test_latency_with_fewer_successes_than_min_samples_is_not_judged() -> None:
    data = latencies([2000.0, 3000.0], failures=5)
    for measure in (latency_p95, latency_p99, latency_average):
        assert measure(rule(window_s=600.0, min_samples=3), data, NOW) is NO_DATA
    assert latency_p95(rule(window_s=600.0, min_samples=2), data, NOW).value == 3000.0


def test_latency_counts_only_the_rule_window() -> None:
    data = component([sample(NOW - 60, ms=5000.0), sample(NOW - 30, ms=10.0), sample(NOW, ms=20.0)])
    assert latency_p99(rule(window_s=60.0), data, NOW).value == 20.0


# Outage


def test_an_outage_the_probes_hold_reads_one_with_its_failures_in_a_row() -> None:
    data = component(failing(every(30.0, 5), {0, 2, 3, 4}), DOWN, PROBE)
    expected: Figures = {"status": "major_outage", "consecutive_failures": 3}
    assert outage(rule(kind="outage"), data, NOW) == Reading(1.0, 3, expected)


def test_an_outage_an_operator_set_reads_zero() -> None:
    data = component(failing(every(30.0, 3), {0, 1, 2}), DOWN, StatusSource.MANUAL)
    reading = outage(rule(kind="outage"), data, NOW)
    assert (reading.value, reading.offending) == (0.0, 0)
    assert reading.figures["consecutive_failures"] == 3


def test_a_partial_outage_is_not_an_outage() -> None:
    data = component(failing(every(30.0, 3), {0, 1, 2}), ComponentStatus.PARTIAL_OUTAGE, PROBE)
    assert outage(rule(kind="outage"), data, NOW).value == 0.0


def test_an_outage_with_no_status_yet_is_not_judged() -> None:
    assert (
        outage(rule(kind="outage"), component(failing(every(30.0, 3), {0, 1, 2})), NOW) is NO_DATA
    )


def test_an_outage_counts_failures_over_ten_minutes_unless_told_otherwise() -> None:
    samples = [sample(NOW - ago, failed=True) for ago in (900.0, 610.0, 600.0, 300.0, 0.0)]
    data = component(samples, DOWN, PROBE)
    assert outage(rule(kind="outage", window_s=0.0), data, NOW).offending == 2
    assert outage(rule(kind="outage", window_s=1000.0), data, NOW).offending == 5


# Burn rate


FAST = burn(0.99, HOUR, 5 * MINUTE)


def test_the_burn_rate_is_the_smaller_of_the_long_and_short_burn_rates() -> None:
    data = component(failing(every(60.0, 60), {0, 10, 20, 30, 40, 59}))
    reading = burn_rate(rule(options=FAST), data, NOW)
    assert reading.value == pytest.approx(10.0)  # 6 % of an hour over a 1 % budget; 20 % in 5 min
    assert reading.offending == 6
    assert reading.figures == {
        "burn_rate_long": 10.0,
        "burn_rate_short": 20.0,
        "failures": 6,
        "results": 60,
        "objective_percent": 99.0,
    }


def test_burn_figures_show_two_decimals_and_the_objective_three() -> None:
    data = component(failing(every(60.0, 60), {0, 10, 20, 30, 40, 59}))
    figures = burn_rate(rule(options=burn(0.97, HOUR, 300.0)), data, NOW).figures
    assert (figures["burn_rate_long"], figures["burn_rate_short"]) == (3.33, 6.67)
    stricter = burn_rate(rule(options=burn(0.999875, HOUR, 300.0)), data, NOW).figures
    assert stricter["objective_percent"] == 99.987


def test_a_burn_that_has_stopped_reads_as_its_short_window() -> None:
    data = component(failing(every(60.0, 60), set(range(30))))
    assert burn_rate(rule(options=FAST), data, NOW).value == 0.0


def test_a_burn_that_has_just_begun_reads_as_its_long_window() -> None:
    data = component(failing(every(60.0, 60), {57, 58, 59}))
    assert burn_rate(rule(options=FAST), data, NOW).value == pytest.approx(5.0)


def test_a_stricter_objective_burns_faster() -> None:
    data = component(failing(every(60.0, 60), {0, 59}))
    reading = burn_rate(rule(options=burn(0.999, HOUR, 300.0)), data, NOW)
    assert reading.value == pytest.approx(2 / 60 / 0.001)
    assert reading.figures["objective_percent"] == 99.9


def test_the_burn_rate_needs_min_samples_in_the_long_window_and_one_in_the_short() -> None:
    assert (
        burn_rate(rule(options=FAST, min_samples=4), component(failing(every(60.0, 3), {2})), NOW)
        is NO_DATA
    )
    quiet_lately = component(failing(every(60.0, 30, end=NOW - 600), {0, 1}))
    assert burn_rate(rule(options=FAST), quiet_lately, NOW) is NO_DATA
    just_enough = component([sample(NOW - 400, failed=True), sample(NOW)])
    assert burn_rate(rule(options=FAST), just_enough, NOW).value == 0.0


def test_a_long_window_beyond_the_samples_is_read_from_the_roll_ups() -> None:
    slow = burn(0.99, 6 * HOUR, 30 * MINUTE)
    data = component(
        failing(every(60.0, 30), {27, 28, 29}), keep_s=HOUR, long_counts={6 * HOUR: Counts(360, 18)}
    )
    reading = burn_rate(rule(options=slow), data, NOW)
    assert reading.value == pytest.approx(5.0)  # 5 % of six hours; 10 % of the last half hour
    assert reading.figures["results"] == 360


def test_a_window_longer_than_the_samples_without_roll_ups_is_not_judged() -> None:
    data = component(failing(every(60.0, 30), {0, 1, 2}), keep_s=HOUR)
    assert burn_rate(rule(options=burn(0.99, 2 * HOUR, 300.0)), data, NOW) is NO_DATA


def test_a_window_as_long_as_the_samples_kept_is_read_from_the_samples() -> None:
    data = component(failing(every(60.0, 10), {9}), keep_s=HOUR, long_counts={HOUR: Counts(5, 5)})
    assert data.counts(NOW, HOUR) == Counts(10, 1, 0, 900.0)
    assert data.counts(NOW, 2 * HOUR) is None


def test_each_component_kind_is_measured_through_its_registry() -> None:
    data = component(failing(every(2.0, 60), {1, 2, 3, 4}))
    assert COMPONENT_KINDS.measure(rule(kind="error_rate"), data, NOW) == error_rate(
        rule(), data, NOW
    )
