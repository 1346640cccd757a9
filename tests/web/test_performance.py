"""Latency against the component's SLA and its latency objectives."""

from __future__ import annotations

from statuspage.web.performance import latency_check, performance
from storage.figures.windows import LatencyFigures

DEFAULTS = {"p95": 1000.0, "p99": 2000.0, "average": 500.0}


def latency(p50: float, p95: float, p99: float, average: float) -> LatencyFigures:
    return LatencyFigures(
        count=100, average_ms=average, min_ms=1, max_ms=5000, p50_ms=p50, p95_ms=p95, p99_ms=p99
    )


def met(
    p50: float, p95: float, p99: float, average: float, objectives: dict[str, float] = DEFAULTS
) -> dict[str, bool]:
    result = performance(latency(p50, p95, p99, average), 500, objectives)
    assert result is not None
    return {c.metric: c.objective_met for c in result.checks}


def test_a_fast_component_meets_its_sla_and_every_objective() -> None:
    result = performance(latency(40, 80, 95, 45), 100, DEFAULTS)
    assert result is not None
    assert result.all_ok
    assert [c.value for c in result.checks] == ["40 ms", "80 ms", "95 ms", "45 ms"]


def test_a_p95_of_exactly_its_objective_misses_it_because_it_must_stay_below() -> None:
    assert met(100, 1000, 1500, 200) == {"p50": True, "p95": False, "p99": True, "average": True}


def test_a_p99_at_or_over_its_objective_misses_it() -> None:
    assert not met(100, 900, 2000, 200)["p99"]
    assert met(100, 900, 1999.9, 200)["p99"]


def test_an_average_at_or_over_its_objective_misses_it() -> None:
    assert not met(100, 900, 1500, 500)["average"]


def test_objectives_come_from_the_caller_not_from_fixed_numbers() -> None:
    assert met(100, 300, 400, 50, {"p95": 250.0}) == {
        "p50": True, "p95": False, "p99": True, "average": True,
    }  # fmt: skip


def test_a_metric_without_an_objective_is_never_missed() -> None:
    result = performance(latency(40, 5000, 9000, 3000), 100, {})
    assert result is not None
    assert [(c.objective, c.objective_met) for c in result.checks] == [(None, True)] * 4
    assert not result.has_objectives


def test_the_sla_is_met_at_exactly_the_sla_as_the_probes_judge_it() -> None:
    assert latency_check("p50", 100.0, 100).within_sla
    assert not latency_check("p50", 100.1, 100).within_sla


def test_objectives_read_in_plain_units() -> None:
    assert latency_check("p99", 10, 100, 2000.0).objective == "< 2 s"
    assert latency_check("average", 10, 100, 500.0).objective == "< 500 ms"


def test_no_successful_probe_means_no_latency_to_judge() -> None:
    assert performance(None, 100, DEFAULTS) is None
