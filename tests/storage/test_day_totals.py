"""Day totals kept by the roll-up job give the same overview as the roll-ups themselves."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, delete, select

from storage.database import Database
from storage.figures.timebuckets import local_date
from storage.queries.summary import ComponentOverview, component_overviews, component_summary
from storage.results.day_totals import KEPT_DAYS, components_without_totals
from storage.results.rollup import roll_up
from storage.tables.monitoring import DayTotals
from tests.storage.builders import T0, record, write

BERLIN = ZoneInfo("Europe/Berlin")
LONDON = ZoneInfo("Europe/London")  # UTC+0 until 29 March 2026: the same days as UTC
UTC_ZONE = ZoneInfo("UTC")
HOUR = timedelta(hours=1)


async def overview(db: Database, now: datetime, tz: ZoneInfo) -> ComponentOverview:
    return (await component_overviews(db, ["api"], now=now, tz=tz))["api"]


async def assert_overview_matches_the_roll_ups(db: Database, now: datetime, tz: ZoneInfo) -> None:
    """The overview (through the totals) against the summary, which reads every roll-up."""
    summary = await component_summary(db, "api", now=now, tz=tz)
    found = await overview(db, now, tz)
    assert (found.windows, found.days) == (summary.windows, summary.days)


async def stored_totals(db: Database) -> list[DayTotals]:
    async with db.read() as session:
        return list(await session.exec(select(DayTotals).order_by(col(DayTotals.region))))


async def probe_days(db: Database, start: datetime, days: int, tz: ZoneInfo, draw: int) -> None:
    """Hourly results in two regions ("us" joins on day 5), rolled up every six
    hours the way the service's job runs through the days and their midnights."""
    rng = random.Random(draw)
    for step in range(days * 4):
        at = start + step * 6 * HOUR
        regions = ["eu", "us"] if step >= 20 else ["eu"]
        records = [
            record(at + h * HOUR, rng.choice(["up", "up", "degraded", "down"]), region=r)
            for h in range(6)
            for r in regions
        ]
        await write(db, records)
        await roll_up(db, now=at + 6 * HOUR, tz=tz)


async def test_totals_kept_across_many_midnights_agree_with_the_roll_ups(db: Database) -> None:
    await probe_days(db, T0, 20, BERLIN, draw=1)
    now = T0 + 20 * 24 * HOUR
    totals = await stored_totals(db)
    assert [(t.region, t.time_zone, t.end_day) for t in totals] == [
        ("eu", "Europe/Berlin", local_date(now, BERLIN)),
        ("us", "Europe/Berlin", local_date(now, BERLIN)),
    ]
    await assert_overview_matches_the_roll_ups(db, now, BERLIN)


async def test_a_late_result_for_a_day_inside_the_totals_reaches_them(db: Database) -> None:
    await probe_days(db, T0, 12, BERLIN, draw=2)
    now = T0 + 12 * 24 * HOUR
    before = await overview(db, now, BERLIN)
    late_day = T0 + 3 * 24 * HOUR + 30 * 60 * timedelta(seconds=1)
    assert all(t.end_day > local_date(late_day, BERLIN) for t in await stored_totals(db))
    await write(db, [record(late_day, "down")])  # a buffer drained after an outage
    await roll_up(db, now=now, tz=BERLIN)
    after = await overview(db, now, BERLIN)
    assert after.windows["30d"].down == before.windows["30d"].down + 1
    await assert_overview_matches_the_roll_ups(db, now, BERLIN)


async def test_an_upgraded_database_gets_its_totals_on_the_next_run(db: Database) -> None:
    await probe_days(db, T0, 6, BERLIN, draw=3)
    now = T0 + 6 * 24 * HOUR
    async with db.write() as session:
        await session.exec(delete(DayTotals))  # as after the migration that adds the table
    await assert_overview_matches_the_roll_ups(db, now, BERLIN)  # read from roll-ups meanwhile
    await roll_up(db, now=now, tz=BERLIN)  # nothing left to roll up: only the totals are built
    assert {t.region for t in await stored_totals(db)} == {"eu", "us"}
    await assert_overview_matches_the_roll_ups(db, now, BERLIN)


async def test_totals_of_another_time_zone_are_ignored_then_replaced(db: Database) -> None:
    await probe_days(db, T0, 6, UTC_ZONE, draw=4)
    now = T0 + 6 * 24 * HOUR
    await assert_overview_matches_the_roll_ups(db, now, LONDON)  # the UTC totals are not read
    await roll_up(db, now=now, tz=LONDON)
    assert {t.time_zone for t in await stored_totals(db)} == {"Europe/London"}
    await assert_overview_matches_the_roll_ups(db, now, LONDON)


async def test_a_component_probed_only_today_needs_no_totals(db: Database) -> None:
    now = T0 + 6 * HOUR
    await write(db, [record(T0 + HOUR), record(T0 + 2 * HOUR, "down")])
    await roll_up(db, now=now, tz=BERLIN)
    assert await stored_totals(db) == []
    today = (await overview(db, now, BERLIN)).days[-1]
    assert (today.figures.up, today.figures.down) == (1, 1)


async def test_totals_keep_a_year_and_a_day_and_no_more(db: Database) -> None:
    await write(db, [record(T0 - 500 * 24 * HOUR), record(T0 - 300 * 24 * HOUR, "down")])
    await roll_up(db, now=T0, tz=UTC_ZONE)
    [totals] = await stored_totals(db)
    assert (totals.end_day - totals.first_day).days == KEPT_DAYS
    found = await overview(db, T0, UTC_ZONE)
    assert (found.windows["365d"].up, found.windows["365d"].down) == (0, 1)


async def test_now_before_the_totals_end_reads_no_day_twice(db: Database) -> None:
    # A page rendered by a process whose clock is behind the job's.
    await probe_days(db, T0, 4, UTC_ZONE, draw=5)
    behind = datetime(2026, 3, 5, 23, tzinfo=UTC)
    await assert_overview_matches_the_roll_ups(db, behind, UTC_ZONE)


async def test_a_day_that_ended_without_results_is_still_counted_later(db: Database) -> None:
    # The second day has results only in the morning, rolled up that morning, so
    # no roll-up after its midnight touches it: the next past-day update must
    # count it all the same.
    for day, hours in ((0, range(24)), (1, range(8)), (2, range(12, 24))):
        start = T0.replace(hour=0) + day * 24 * HOUR
        await write(db, [record(start + h * HOUR, "down" if h % 5 else "up") for h in hours])
        await roll_up(db, now=start + (hours[-1] + 1) * HOUR, tz=UTC_ZONE)
    now = T0.replace(hour=0) + 3 * 24 * HOUR + HOUR
    await assert_overview_matches_the_roll_ups(db, now, UTC_ZONE)
    assert (await overview(db, now, UTC_ZONE)).days[-3].figures.total == 8


async def test_days_older_than_the_kept_span_are_not_asked_for_again(db: Database) -> None:
    await write(db, [record(T0 - 380 * 24 * HOUR)])  # kept as a day roll-up, outside the totals
    await roll_up(db, now=T0, tz=UTC_ZONE)
    assert await stored_totals(db) == []
    async with db.read() as session:
        assert await components_without_totals(session, today=T0.date(), tz=UTC_ZONE) == []
