"""Latency against the component's SLA and the seed's P95 / P99 / average limits."""

from __future__ import annotations

from statuspage.web.performance import latency_check, performance
from storage.figures import LatencyFigures


def latency(p50: float, p95: float, p99: float, average: float) -> LatencyFigures:
    return LatencyFigures(
        count=100, average_ms=average, min_ms=1, max_ms=5000, p50_ms=p50, p95_ms=p95, p99_ms=p99
    )


def verdicts(p50: float, p95: float, p99: float, average: float, sla: float) -> dict[str, str]:
    result = performance(latency(p50, p95, p99, average), sla)
    assert result is not None
    return {c.metric: c.verdict for c in result.checks}


def test_a_fast_component_meets_its_sla_and_every_seed_limit() -> None:
    result = performance(latency(40, 80, 95, 45), sla_ms=100)
    assert result is not None
    assert result.all_ok
    assert [c.value for c in result.checks] == ["40 ms", "80 ms", "95 ms", "45 ms"]


def test_a_p95_of_one_second_is_critical_because_the_limit_is_strictly_below() -> None:
    assert verdicts(100, 1000, 1500, 200, sla=500)["p95"] == "critical"


def test_a_p99_of_two_seconds_or_more_is_a_warning() -> None:
    assert verdicts(100, 900, 2100, 200, sla=500)["p99"] == "warning"


def test_an_average_of_500_ms_or_more_misses_the_target() -> None:
    assert verdicts(100, 900, 1500, 500, sla=500)["average"] == "above target"


def test_the_sla_is_met_at_exactly_the_sla_as_the_probes_judge_it() -> None:
    assert latency_check("p50", 100.0, sla_ms=100).within_sla
    assert not latency_check("p50", 100.1, sla_ms=100).within_sla


def test_the_median_has_no_seed_limit() -> None:
    check = latency_check("p50", 5000.0, sla_ms=100)
    assert (check.seed_limit, check.seed_ok, check.verdict) == (None, True, "ok")


def test_limits_read_in_plain_units() -> None:
    assert latency_check("p99", 10, sla_ms=100).seed_limit == "< 2 s"
    assert latency_check("average", 10, sla_ms=100).seed_limit == "< 500 ms"


def test_no_successful_probe_means_no_latency_to_judge() -> None:
    assert performance(None, sla_ms=100) is None
