"""The metric rules, pure: the mean over a window with the guard, a value that must stay
above its target, and the burn rate of an error-rate metric's budget (docs/metrics.md)."""

from __future__ import annotations

from dataclasses import replace

from statuspage.rules.alerts.metric_rules import (
    MetricPoints,
    measure,
    metric_burn_rate,
    metric_window,
    probe_rule_kinds,
)
from statuspage.rules.alerts.model import Rule
from storage.vocabulary import AlertSeverity


def rule(above: float, **options: float) -> Rule:
    return Rule(
        "r", "metric_target", AlertSeverity.WARNING, above, above, window_s=60, options=options
    )


def test_the_window_mean_is_judged_with_the_guard() -> None:
    data = MetricPoints(((0.0, 1.0), (30.0, 9.0), (60.0, 8.0), (90.0, 2.0)))
    reading = metric_window(rule(5.0), data, now=90.0)
    # The points at 30, 60 and 90 s: mean 19/3, two of them above 5.
    assert reading.value == 19 / 3
    assert reading.offending == 2


def test_too_few_points_are_not_judged() -> None:
    assert metric_window(rule(5.0), MetricPoints(((0.0, 9.0),)), now=10.0).value is None


def test_a_value_that_must_stay_above_its_target_is_judged_negated() -> None:
    data = MetricPoints(((0.0, 99.0), (30.0, 98.0)))
    reading = metric_window(rule(-99.99, direction=-1.0), data, now=30.0)
    assert reading.value == -98.5
    assert reading.offending == 2
    assert reading.figures["mean"] == 98.5


def burn_rule(above: float) -> Rule:
    options = {"long_s": 3600.0, "short_s": 300.0, "budget": 1.0}
    return Rule(
        "b",
        "metric_burn_rate",
        AlertSeverity.CRITICAL,
        above,
        above / 2,
        min_samples=3,
        options=options,
    )


def test_a_burn_rate_is_the_error_rate_over_the_budget_in_both_windows() -> None:
    # A 1 % budget. The last hour averaged 20 % (burn 20); the last five minutes 30 %.
    points = tuple((float(t), 10.0) for t in range(0, 3000, 60)) + tuple(
        (float(t), 30.0) for t in range(3000, 3601, 60)
    )
    reading = metric_burn_rate(burn_rule(14.4), MetricPoints(points), now=3600.0)
    mean_long = sum(v for _, v in points) / len(points)
    assert reading.value == mean_long  # the smaller of the two
    assert reading.figures["burn_rate_short"] == 30.0
    assert reading.offending == 6  # the points of the last five minutes, each 30x


def test_a_burn_rate_over_more_than_an_hour_reads_the_hourly_means() -> None:
    rule = replace(
        burn_rule(1.0), options={"long_s": 3 * 86400.0, "short_s": 6 * 3600.0, "budget": 2.0}
    )
    data = MetricPoints(((0.0, 4.0),), long={3 * 86400.0: (3.0, 5000), 6 * 3600.0: (5.0, 1400)})
    reading = metric_burn_rate(rule, data, now=10.0)
    assert reading.value == 1.5  # min(3 / 2, 5 / 2)


def test_a_burn_rate_without_enough_points_is_not_judged() -> None:
    assert metric_burn_rate(burn_rule(1.0), MetricPoints(((0.0, 5.0),)), now=10.0).value is None


def test_the_rules_of_each_kind_of_metric() -> None:
    assert probe_rule_kinds("ratio", "%", None, success_rate=False) == {"error_rate", "burn_rate"}
    assert probe_rule_kinds("ratio", "%", None, success_rate=True) == set()
    assert probe_rule_kinds("ratio", "ms", None, success_rate=False) == set()
    assert probe_rule_kinds("quantile", "ms", 0.95, success_rate=False) == {"latency_p95"}
    assert probe_rule_kinds("quantile", "ms", 0.99, success_rate=False) == {"latency_p99"}
    assert probe_rule_kinds("quantile", "ms", 0.5, success_rate=False) == set()
    assert probe_rule_kinds("gauge", "%", None, success_rate=False) == set()
    # Marked `average_latency` (a sum over a count, however it is worked out).
    for kind in ("ratio", "promql", "gauge", "push"):
        assert probe_rule_kinds(kind, "ms", None, False, average_latency=True) == {
            "latency_average"
        }


def test_measure_picks_the_burn_rate_or_the_window_by_kind() -> None:
    data = MetricPoints(tuple((float(t), 10.0) for t in range(0, 3601, 60)))
    assert measure(burn_rule(1.0), data, 3600.0).value == 10.0  # 10 % over a 1 % budget
    assert measure(rule(5.0), data, 3600.0).value == 10.0


def test_a_window_includes_its_edges() -> None:
    data = MetricPoints(((0.0, 2.0), (60.0, 4.0), (61.0, 100.0)))
    assert metric_window(rule(1.0), data, now=60.0).value == 3.0


def test_a_burn_rate_needs_a_short_window_with_points() -> None:
    rule_ = replace(burn_rule(1.0), options={"long_s": 3600.0, "short_s": 60.0, "budget": 1.0})
    data = MetricPoints(tuple((float(t), 5.0) for t in range(0, 3000, 60)))
    assert metric_burn_rate(rule_, data, now=3600.0).value is None


def test_the_window_figures_and_a_point_exactly_at_the_threshold() -> None:
    data = MetricPoints(((0.0, 5.0), (30.0, 6.23456)))
    reading = metric_window(rule(5.0), data, now=30.0)
    # A point at the threshold does not break it on its own.
    assert reading.offending == 1
    assert reading.figures == {"mean": 5.6173, "points": 2, "beyond_threshold": 1}


def test_a_burn_rate_is_the_smaller_window_over_the_budget_with_its_figures() -> None:
    # A 3 % budget: the last hour at about 9.7 % burns 3.2x; the last five minutes at
    # 6.5 %, 2.17x.
    points = tuple((float(t), 10.0) for t in range(0, 3300, 60)) + tuple(
        (float(t), 6.5) for t in range(3300, 3601, 60)
    )
    options = {"long_s": 3600.0, "short_s": 300.0, "budget": 3.0}
    reading = metric_burn_rate(
        replace(burn_rule(2.0), options=options), MetricPoints(points), 3600.0
    )
    long_mean = (55 * 10.0 + 6 * 6.5) / 61
    assert reading.value == 6.5 / 3
    assert reading.figures == {
        "burn_rate_long": round(long_mean / 3, 2),
        "burn_rate_short": 2.17,
        "points": 61,
        "budget_percent": 3.0,
    }
    assert reading.offending == 6  # the short window's points, each 2.17x on its own


def test_a_point_burning_exactly_at_the_threshold_is_not_beyond_it() -> None:
    points = tuple((float(t), 6.0) for t in range(0, 3601, 60))
    options = {"long_s": 3600.0, "short_s": 300.0, "budget": 3.0}
    reading = metric_burn_rate(
        replace(burn_rule(2.0), options=options), MetricPoints(points), 3600.0
    )
    assert (reading.value, reading.offending) == (2.0, 0)


def test_a_burn_rate_with_exactly_min_samples_points_is_judged() -> None:
    data = MetricPoints(((3500.0, 5.0), (3550.0, 5.0), (3600.0, 5.0)))
    assert metric_burn_rate(burn_rule(1.0), data, now=3600.0).value == 5.0
