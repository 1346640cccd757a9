"""Windows longer than the hour of raw results the evaluator keeps are counted from the
hourly roll-ups: the slow budget burn (3 days and 6 hours) fires on them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from storage.vocabulary import Granularity
from tests.alerting.helpers import Clock, Site, feed, lead, rules_firing, settings_for, site
from tests.web.factories import Bucket, add_rollup


async def hours(place: Site, count: int, bucket: Bucket) -> None:
    start = place.clock.now.replace(minute=0, second=0, microsecond=0)
    for back in range(1, count + 1):
        at = start - timedelta(hours=back)
        await add_rollup(place.db, "api", at, bucket, granularity=Granularity.HOUR)


async def test_a_slow_burn_over_days_fires_from_the_roll_ups(tmp_path: Path) -> None:
    async with site(settings_for(tmp_path, f"sqlite:///{tmp_path / 'a.db'}"), Clock()) as place:
        await hours(place, 72, Bucket(up=117, down=3))  # 2.5 %: 2.5x a 99 % budget
        service = place.service()
        await lead(service)
        await feed(place, service, 10, fail_every=1000)  # healthy now, but the days burned
        assert "budget-slow-burn" in await rules_firing(place)


async def test_a_budget_within_its_objective_stays_quiet(tmp_path: Path) -> None:
    async with site(settings_for(tmp_path, f"sqlite:///{tmp_path / 'a.db'}"), Clock()) as place:
        await hours(place, 72, Bucket(up=119, down=1))  # 0.8 %: under 1x
        service = place.service()
        await lead(service)
        await feed(place, service, 10, fail_every=1000)
        assert "budget-slow-burn" not in await rules_firing(place)
