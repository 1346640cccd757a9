"""The roll-up job: hour and day buckets, incremental, idempotent, maintenance-aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from storage.database import Database
from storage.figures import histogram
from storage.results.rollup import _next_dirty, _roll_up_batch, roll_up
from storage.status import record_status_change
from storage.tables.monitoring import Rollup, RollupDirty
from tests.storage.builders import T0, every, record, write

UTC_ZONE = ZoneInfo("UTC")
NEW_YORK = ZoneInfo("America/New_York")
H = timedelta(hours=1)
M = timedelta(minutes=1)
LATER = T0 + timedelta(days=2)


async def rollups(db: Database, granularity: str) -> list[Rollup]:
    async with db.read() as session:
        query = (
            select(Rollup)
            .where(Rollup.granularity == granularity)
            .order_by(col(Rollup.bucket_start))
        )
        return list((await session.exec(query)).all())


async def test_an_hour_bucket_counts_its_results_and_their_latency(db: Database) -> None:
    await write(
        db,
        [record(T0, "up", 100), record(T0 + M, "degraded", 900), record(T0 + 2 * M, "down", 5000)],
    )
    await roll_up(db, now=LATER, tz=UTC_ZONE)
    (hour,) = await rollups(db, "hour")
    assert (hour.bucket_start, hour.up, hour.degraded, hour.down, hour.within_sla) == (
        T0,
        1,
        1,
        1,
        1,
    )
    assert (hour.latency_sum_ms, hour.latency_min_ms, hour.latency_max_ms) == (1000, 100, 900)
    assert histogram.decode(hour.histogram) == histogram.build([100, 900])


async def test_a_day_bucket_is_the_sum_of_its_hours(db: Database) -> None:
    await write(db, [record(at) for at in every(T0, 30 * M, 6)])
    await roll_up(db, now=LATER, tz=UTC_ZONE)
    hours, (day,) = await rollups(db, "hour"), await rollups(db, "day")
    assert [h.up for h in hours] == [2, 2, 2]
    assert (day.bucket_start, day.up) == (datetime(2026, 3, 2, tzinfo=UTC), 6)


async def test_a_second_run_finds_nothing_to_do_and_changes_nothing(db: Database) -> None:
    await write(db, [record(at) for at in every(T0, H, 5)])
    assert await roll_up(db, now=LATER, tz=UTC_ZONE) == 6  # five hours and their day
    before = [r.model_dump() for r in await rollups(db, "hour")]
    assert await roll_up(db, now=LATER, tz=UTC_ZONE) == 0
    assert [r.model_dump() for r in await rollups(db, "hour")] == before


async def test_a_late_result_for_a_rolled_up_hour_is_picked_up(db: Database) -> None:
    await write(db, [record(T0)])
    await roll_up(db, now=LATER, tz=UTC_ZONE)
    await write(db, [record(T0 + timedelta(minutes=30), "down")])
    await roll_up(db, now=LATER, tz=UTC_ZONE)
    (hour,), (day,) = await rollups(db, "hour"), await rollups(db, "day")
    assert (hour.up, hour.down, day.up, day.down) == (1, 1, 1, 1)


async def test_results_under_maintenance_are_counted_apart(db: Database) -> None:
    await record_status_change(db, "api", "operational", at=T0 - H, source="probe")
    await record_status_change(
        db, "api", "under_maintenance", at=T0 + timedelta(minutes=20), source="maintenance"
    )
    await write(db, [record(at, "down") for at in every(T0, timedelta(minutes=10), 6)])
    await roll_up(db, now=LATER, tz=UTC_ZONE)
    (hour,) = await rollups(db, "hour")
    assert (hour.down, hour.maintenance) == (2, 4)


async def test_a_back_dated_maintenance_window_recounts_rolled_up_hours(db: Database) -> None:
    await write(db, [record(at, "down") for at in every(T0, timedelta(minutes=10), 6)])
    await roll_up(db, now=LATER, tz=UTC_ZONE)
    await record_status_change(db, "api", "under_maintenance", at=T0, source="maintenance")
    await roll_up(db, now=LATER, tz=UTC_ZONE)
    (hour,) = await rollups(db, "hour")
    assert (hour.down, hour.maintenance) == (0, 6)


async def test_a_result_committed_during_a_run_is_not_forgotten(db: Database) -> None:
    await write(db, [record(T0)])
    seen = await _next_dirty(db, now=LATER, after=None, limit=100)
    await write(db, [record(T0 + timedelta(minutes=5), "down")])  # bumps the mark
    await _roll_up_batch(db, seen, UTC_ZONE, LATER.date())  # computed from what it saw first
    await roll_up(db, now=LATER, tz=UTC_ZONE)
    (hour,) = await rollups(db, "hour")
    assert (hour.up, hour.down) == (1, 1)


async def test_hours_after_now_wait_for_a_later_run(db: Database) -> None:
    await write(db, [record(T0 + 3 * H)])
    assert await roll_up(db, now=T0, tz=UTC_ZONE) == 0
    async with db.read() as session:
        assert len((await session.exec(select(RollupDirty))).all()) == 1


async def test_regions_are_rolled_up_separately(db: Database) -> None:
    await write(db, [record(T0, region="eu"), record(T0, "down", region="us")])
    await roll_up(db, now=LATER, tz=UTC_ZONE)
    assert {(r.region, r.up, r.down) for r in await rollups(db, "hour")} == {
        ("eu", 1, 0),
        ("us", 0, 1),
    }


async def test_the_day_daylight_saving_starts_in_new_york_has_23_hours(db: Database) -> None:
    midnight = datetime(2026, 3, 8, 5, tzinfo=UTC)  # 00:00 EST
    await write(db, [record(at) for at in every(midnight, timedelta(minutes=30), 2 * 25)])
    await roll_up(db, now=midnight + timedelta(days=3), tz=NEW_YORK)
    days = await rollups(db, "day")
    assert [(d.bucket_start, d.up) for d in days] == [
        (midnight, 46),  # 23 hours of two results
        (datetime(2026, 3, 9, 4, tzinfo=UTC), 4),  # 00:00 EDT onwards
    ]
    assert (
        len([h for h in await rollups(db, "hour") if h.bucket_start < days[1].bucket_start]) == 23
    )


async def test_the_day_daylight_saving_ends_in_new_york_has_25_hours(db: Database) -> None:
    midnight = datetime(2026, 11, 1, 4, tzinfo=UTC)  # 00:00 EDT
    await write(db, [record(at) for at in every(midnight, H, 25)])
    await roll_up(db, now=midnight + timedelta(days=3), tz=NEW_YORK)
    (day,) = await rollups(db, "day")
    assert (day.bucket_start, day.up) == (midnight, 25)


async def test_hour_buckets_follow_a_half_hour_offset(db: Database) -> None:
    await write(db, [record(datetime(2026, 3, 2, 18, 45, tzinfo=UTC))])  # 00:15 in Kolkata
    await roll_up(db, now=LATER, tz=ZoneInfo("Asia/Kolkata"))
    (hour,), (day,) = await rollups(db, "hour"), await rollups(db, "day")
    assert hour.bucket_start == day.bucket_start == datetime(2026, 3, 2, 18, 30, tzinfo=UTC)
