"""An error-rate metric's budget burn, from stored points to a firing alert: the fast
burn over the last hour's points, the slow burn over three days of hourly roll-ups
(`statuspage/alerting/inputs.py` `metric_points`), each about `metric:<id>`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from storage.alerts.reads import list_alerts
from storage.metrics.writes import Point, write_points
from storage.vocabulary import AlertState
from tests.alerting.helpers import Clock, lead, settings_for, site, sqlite_url
from tests.metrics.helpers import ERROR_RATE, scrape_source


def with_budget(percent: float) -> str:
    return scrape_source("http://127.0.0.1:9/metrics") + ERROR_RATE + f"target_below = {percent}\n"


async def test_an_error_rate_burning_its_budget_fast_fires_about_the_metric(
    tmp_path: Path,
) -> None:
    # 0.9 % failing against a 0.05 % budget burns it 18 times too fast (> 14.4), under
    # every error-rate threshold (the lowest is 1 %).
    settings = settings_for(tmp_path, sqlite_url(tmp_path), extra=with_budget(0.05))
    async with site(settings, Clock()) as place:
        service = place.service()
        await lead(service)
        for _ in range(12):  # three minutes of 15 s scrapes
            place.clock.advance(seconds=15)
            await write_points(place.db, [Point("api-error-rate", place.clock.now, 0.9)])
            await service.run_round()
        firing = {a.rule: a for a in await list_alerts(place.db, state=AlertState.FIRING)}
    assert set(firing) == {"budget-fast-burn", "metric-target"}
    burn = firing["budget-fast-burn"]
    assert burn.subject == "metric:api-error-rate"
    assert (burn.figures["burn_rate_long"], burn.figures["burn_rate_short"]) == (18.0, 18.0)


async def test_a_slow_burn_over_days_is_read_from_the_hourly_roll_ups(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, sqlite_url(tmp_path), extra=with_budget(0.5))
    async with site(settings, Clock()) as place:
        now = place.clock.now
        # Six hours at 0.9 % (a point each 10 minutes) and one at 0 % twenty hours ago:
        # past the last hour, only the roll-ups hold them.
        points = [Point("api-error-rate", now - timedelta(minutes=10 * k), 0.9) for k in range(36)]
        points.append(Point("api-error-rate", now - timedelta(hours=20), 0.0))
        await write_points(place.db, points)
        service = place.service()
        await lead(service)
        await service.run_round()
        firing = {a.rule: a for a in await list_alerts(place.db, state=AlertState.FIRING)}
    assert set(firing) == {"budget-slow-burn"}  # one point in 5 minutes: no metric-target
    burn = firing["budget-slow-burn"]
    assert burn.subject == "metric:api-error-rate"
    # Over 3 days, the mean of the 37 points (each hour weighted by its count), not of
    # the hours' means (1.54): 36 × 0.9 ÷ 37 = 0.876 %, 1.75 times the budget; over 6 h
    # only the 0.9 % points, 1.8 times.
    assert burn.figures == {
        "burn_rate_long": 1.75,
        "burn_rate_short": 1.8,
        "points": 37,
        "budget_percent": 0.5,
    }
