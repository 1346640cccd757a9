"""Summaries read roll-ups only and agree with the raw results."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, delete

from storage.database import Database
from storage.figures.aggregate import RawResult
from storage.figures.timebuckets import day_range
from storage.figures.windows import window_bounds
from storage.queries.summary import component_overviews, component_summary
from storage.results.rollup import roll_up
from storage.status import StatusTimeline, record_status_change
from storage.tables.monitoring import ProbeResultRow
from tests.storage.builders import assert_latency_agrees, every, record, write
from tests.storage.oracles import figures_from_raw, latency_from_raw

NEW_YORK = ZoneInfo("America/New_York")
START = datetime(2026, 3, 3, 5, tzinfo=UTC)  # ten days around the spring-forward night
NOW = START + timedelta(days=10, minutes=-7)
MAINTENANCE = (START + timedelta(days=4, hours=3), START + timedelta(days=4, hours=5))


def random_results(rng_state: int, region: str) -> list[RawResult]:
    rng = random.Random(rng_state)
    results: list[RawResult] = []
    for at in every(START, timedelta(minutes=10), 6 * 24 * 10):
        status = rng.choices(["up", "degraded", "down"], weights=[90, 7, 3])[0]
        latency = rng.lognormvariate(5, 0.6)
        results.append((at, status, latency, status == "up"))
    return results


async def store(db: Database, results: list[RawResult], region: str) -> None:
    await write(
        db, [record(at, s, lat, region=region, within_sla=ok) for at, s, lat, ok in results]
    )


async def two_regions_of_random_results(db: Database) -> tuple[list[RawResult], StatusTimeline]:
    changes = [(START, "operational"), (MAINTENANCE[0], "under_maintenance")]
    changes.append((MAINTENANCE[1], "operational"))
    for at, status in changes:
        await record_status_change(db, "api", status, at=at, source="maintenance")
    eu, us = random_results(1, "eu"), random_results(2, "us")
    await store(db, eu, "eu")
    await store(db, us, "us")
    await roll_up(db, now=NOW, tz=NEW_YORK)
    return eu + us, StatusTimeline(changes)


async def test_the_summary_matches_figures_computed_from_raw_results(db: Database) -> None:
    raw, timeline = await two_regions_of_random_results(db)
    summary = await component_summary(db, "api", now=NOW, tz=NEW_YORK)
    for window, rolled in summary.windows.items():
        span = window_bounds(window, NOW, NEW_YORK)
        assert rolled == figures_from_raw(raw, timeline.under_maintenance, *span)
        exact = latency_from_raw(raw, timeline.under_maintenance, *span)
        assert_latency_agrees(summary.latency[window], exact)
    for day in summary.days:
        span = day_range(day.day, NEW_YORK)
        assert day.figures == figures_from_raw(raw, timeline.under_maintenance, *span)
        exact = latency_from_raw(raw, timeline.under_maintenance, *span)
        assert_latency_agrees(summary.day_latency.get(day.day), exact)
    assert summary.windows["7d"].maintenance == 2 * 12  # two regions, two hours at 10 minutes


async def test_overviews_summed_by_the_database_agree_with_the_summary(db: Database) -> None:
    await two_regions_of_random_results(db)
    summary = await component_summary(db, "api", now=NOW, tz=NEW_YORK)
    overview = (await component_overviews(db, ["api"], now=NOW, tz=NEW_YORK))["api"]
    assert (overview.windows, overview.days) == (summary.windows, summary.days)


async def test_the_summary_does_not_read_raw_results(db: Database) -> None:
    await store(db, random_results(3, "eu"), "eu")
    await roll_up(db, now=NOW, tz=NEW_YORK)
    before = await component_summary(db, "api", now=NOW, tz=NEW_YORK)
    async with db.write() as session:
        await session.exec(delete(ProbeResultRow).where(col(ProbeResultRow.id) > 0))
    assert await component_summary(db, "api", now=NOW, tz=NEW_YORK) == before


async def test_one_region_can_be_asked_for_alone(db: Database) -> None:
    hour_ago = NOW - timedelta(hours=1)
    await write(db, [record(hour_ago, region="eu"), record(hour_ago, "down", region="us")])
    await roll_up(db, now=NOW, tz=NEW_YORK)
    summary = await component_summary(db, "api", now=NOW, tz=NEW_YORK, region="us")
    overview = await component_overviews(db, ["api"], now=NOW, tz=NEW_YORK, region="us")
    assert (summary.windows["24h"].up, summary.windows["24h"].down) == (0, 1)
    assert overview["api"].windows["24h"] == summary.windows["24h"]


async def test_a_component_without_results_has_no_data_anywhere(db: Database) -> None:
    overview = (await component_overviews(db, ["api"], now=NOW, tz=NEW_YORK))["api"]
    assert all(f.availability is None for f in overview.windows.values())
    assert len(overview.days) == 90
    assert not any(d.figures.has_data for d in overview.days)


async def test_overviews_figure_only_the_windows_asked_for_and_agree_on_them(
    db: Database,
) -> None:
    await two_regions_of_random_results(db)
    every = (await component_overviews(db, ["api"], now=NOW, tz=NEW_YORK))["api"]
    some = (await component_overviews(db, ["api"], now=NOW, tz=NEW_YORK, windows=("90d",)))["api"]
    assert set(every.windows) == {"24h", "7d", "30d", "90d", "365d"}
    assert some.windows == {"90d": every.windows["90d"]}
    assert (some.shown_days, some.day_counts) == (every.shown_days, every.day_counts)
