"""The alert rules on metrics: a ratio metric gets the error-rate rules, a p95 metric
the p95 rule with its own target, any metric with a target `metric-target`; alerts
about a metric carry its id. Pure rules, then the evaluator on a real database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from statuspage.alerting.ruleset import build_ruleset
from statuspage.config import load_settings
from statuspage.presentation.alerts import subject_text
from storage.alerts.reads import list_alerts
from storage.metrics.writes import Point, write_points
from storage.vocabulary import AlertState
from tests.alerting.helpers import Clock, lead, settings_for, site, sqlite_url
from tests.metrics.helpers import AVERAGE, ERROR_RATE, scrape_source

METRICS = (
    scrape_source("http://127.0.0.1:9/metrics")
    + ERROR_RATE
    + """
[[metrics]]
id = "api-p95"
name = "API p95"
source = "app"
kind = "quantile"
histogram = "http_request_duration_seconds_bucket"
quantile = 0.95
scale = 1000.0
unit = "ms"
target_below = 1000.0

[[metrics]]
id = "payment-success"
name = "Payment success"
kind = "push"
unit = "%"
target_above = 99.99
"""
    + AVERAGE
    + 'unit = "ms"\n'
)


def test_an_error_rate_with_a_target_gets_the_budget_burn_rules(tmp_path: Path) -> None:
    extra = METRICS.replace(
        'unit = "%"\n\n[[metrics]]\nid = "api-p95"',
        'unit = "%"\ntarget_below = 1.0\n\n[[metrics]]\nid = "api-p95"',
    )
    rules = build_ruleset(settings_for(tmp_path, sqlite_url(tmp_path), extra=extra)).by_metric
    burns = {r.name: r for r in rules["api-error-rate"] if r.kind == "metric_burn_rate"}
    assert set(burns) == {"budget-fast-burn", "budget-slow-burn"}
    assert burns["budget-fast-burn"].options["budget"] == 1.0


def test_each_metric_gets_the_rules_of_its_kind(tmp_path: Path) -> None:
    rules = build_ruleset(settings_for(tmp_path, sqlite_url(tmp_path), extra=METRICS)).by_metric
    assert {r.name for r in rules["api-error-rate"]} == {
        "error-rate-critical",
        "error-rate-warning",
        "error-rate-info",
    }
    assert {(r.name, r.above) for r in rules["api-p95"]} == {
        ("latency-p95", 1000.0),
        ("metric-target", 1000.0),
    }
    assert rules["api-average"] == ()  # a ratio in ms is no error rate
    (target,) = rules["payment-success"]  # a success rate: only its own target
    assert (target.name, target.above, target.options["direction"]) == (
        "metric-target",
        -99.99,
        -1.0,
    )


def test_the_production_average_latency_is_judged_by_latency_average() -> None:
    settings = load_settings(Path("examples/production.toml"), {})
    rules = {r.name: r for r in build_ruleset(settings).by_metric["api-average"]}
    assert set(rules) == {"latency-average", "metric-target"}
    average = rules["latency-average"]
    assert (average.severity, average.above, average.clear_at) == ("info", 500.0, 450.0)
    assert average.window_s == 600.0


async def test_an_average_latency_over_its_objective_fires_latency_average(
    tmp_path: Path,
) -> None:
    extra = METRICS + "target_below = 500.0\naverage_latency = true\n"  # api-average's
    settings = settings_for(tmp_path, sqlite_url(tmp_path), extra=extra)
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        for _ in range(8):  # two minutes of 15 s scrapes at 620 ms
            place.clock.advance(seconds=15)
            await write_points(place.db, [Point("api-average", place.clock.now, 620.0)])
            await service.run_round()
        firing = await list_alerts(place.db, state=AlertState.FIRING)
    about = {a.rule: a for a in firing if a.subject == "metric:api-average"}
    assert set(about) == {"latency-average", "metric-target"}
    assert about["latency-average"].figures["mean"] == 620.0


async def test_an_error_rate_over_5_percent_for_2_minutes_fires_with_the_metric_id(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path, sqlite_url(tmp_path), extra=METRICS)
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        for _ in range(12):  # three minutes of 15 s scrapes at 8 % errors
            place.clock.advance(seconds=15)
            await write_points(place.db, [Point("api-error-rate", place.clock.now, 8.0)])
            await service.run_round()
        firing = await list_alerts(place.db, state=AlertState.FIRING)
        assert {a.rule for a in firing} == {
            "error-rate-critical",
            "error-rate-warning",
            "error-rate-info",
        }
        assert {a.subject for a in firing} == {"metric:api-error-rate"}
        for _ in range(90):  # back at 0.5 %: a 10-minute window clears, held 10 minutes
            place.clock.advance(seconds=15)
            await write_points(place.db, [Point("api-error-rate", place.clock.now, 0.5)])
            await service.run_round()
        assert await list_alerts(place.db, state=AlertState.FIRING) == []


async def test_a_metric_with_no_points_fires_nothing(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, sqlite_url(tmp_path), extra=METRICS)
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        place.clock.advance(minutes=10)
        await service.run_round()
        assert await list_alerts(place.db) == []
        # Two points below the payment success target: its target rule fires.
        await write_points(
            place.db,
            [
                Point("payment-success", place.clock.now - timedelta(seconds=s), 97.0)
                for s in (0, 30)
            ],
        )
        await service.run_round()
        assert {a.rule for a in await list_alerts(place.db)} == {"metric-target"}


def test_an_alert_about_a_metric_reads_as_the_metric() -> None:
    assert subject_text("metric:api-error-rate", {}) == "Metric api-error-rate"
