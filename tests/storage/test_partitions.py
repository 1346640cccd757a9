"""Raw results in UTC day partitions on PostgreSQL: made ahead, rows landed in DEFAULT
moved in, whole days dropped by retention; nothing of it on SQLite."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from storage.components import sync_components
from storage.database import Database
from storage.migrate import downgrade_database, upgrade_database
from storage.queries.recent import recent_results
from storage.results import partitions
from storage.results.partitions import (
    DEFAULT_PARTITION,
    create_day_partition,
    day_partitions,
    ensure_partitions,
    partition_name,
)
from storage.results.retention import RetentionPolicy, RetentionReport, apply_retention
from storage.results.rollup import roll_up
from storage.results.writer import ResultWriter
from tests.storage.builders import (
    POSTGRES_ENV,
    T0,
    component,
    create_postgres_database,
    drop_postgres_database,
    every,
    record,
    write,
)

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
MONDAY = T0.date()  # T0 is 2026-03-02 12:00 UTC


def days(first: date, count: int) -> list[date]:
    return [first + i * DAY for i in range(count)]


async def scalar(db: Database, sql: str) -> object:
    async with db.read() as session:
        connection = await session.connection()
        return await connection.scalar(text(sql))


async def rows_in(db: Database, table: str) -> object:
    return await scalar(db, f"SELECT count(*) FROM {table}")


async def primary_key(db: Database) -> object:
    return await scalar(
        db, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'pk_probe_results'"
    )


async def attached(db: Database) -> list[str]:
    """Partitions of probe_results as the catalog has them."""
    async with db.read() as session:
        connection = await session.connection()
        names = await connection.scalars(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'probe_results'::regclass ORDER BY c.relname"
            )
        )
        return list(names)


@pytest.fixture
async def url_at_0011() -> AsyncIterator[str]:
    """A PostgreSQL database at the revision before partitions, holding results of
    three days: Monday noon, and Tuesday 00:00 and 23:59."""
    if not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set")
    url = await create_postgres_database()
    await upgrade_database(url, revision="0011")
    db = Database.from_url(url)
    await sync_components(db, [component("api")], T0)
    await write(db, [record(T0), record(T0 + timedelta(hours=12)), record(T0 + 35.99 * HOUR)])
    await db.dispose()
    try:
        yield url
    finally:
        await drop_postgres_database(url)


async def test_the_migration_keeps_the_results_in_their_days(url_at_0011: str) -> None:
    await upgrade_database(url_at_0011)
    db = Database.from_url(url_at_0011)
    try:
        assert await day_partitions(db) == [MONDAY, MONDAY + DAY]
        assert await primary_key(db) == "PRIMARY KEY (id, scheduled_at)"
        assert await rows_in(db, partition_name(MONDAY)) == 1
        assert await rows_in(db, partition_name(MONDAY + DAY)) == 2
        found = await recent_results(db, since=T0)  # what the status evaluator reads
        assert len(found["api"]["default"]) == 3
    finally:
        await db.dispose()


async def test_ids_go_on_from_the_same_sequence_after_the_migration(url_at_0011: str) -> None:
    db = Database.from_url(url_at_0011)
    before = await scalar(db, "SELECT max(id) FROM probe_results")
    await db.dispose()
    await upgrade_database(url_at_0011)
    db = Database.from_url(url_at_0011)
    try:
        await write(db, [record(T0 + 2 * DAY)])  # into DEFAULT: Wednesday has no partition
        assert await scalar(db, "SELECT max(id) FROM probe_results") == before + 1  # type: ignore[operator]
    finally:
        await db.dispose()


async def test_the_downgrade_gives_back_a_plain_table_with_the_rows(url_at_0011: str) -> None:
    await upgrade_database(url_at_0011)
    await downgrade_database(url_at_0011, revision="0011")
    db = Database.from_url(url_at_0011)
    try:
        assert (
            await scalar(db, "SELECT relkind::text FROM pg_class WHERE relname = 'probe_results'")
            == "r"
        )
        assert await attached(db) == []
        assert await primary_key(db) == "PRIMARY KEY (id)"
        assert await rows_in(db, "probe_results") == 3
        await write(db, [record(T0 + 2 * DAY)])
        assert await rows_in(db, "probe_results") == 4
    finally:
        await db.dispose()


async def test_today_and_three_days_ahead_are_made(postgres_db: Database) -> None:
    assert await ensure_partitions(postgres_db, now=T0) == 4
    assert await day_partitions(postgres_db) == days(MONDAY, 4)
    assert await attached(postgres_db) == [
        DEFAULT_PARTITION,
        *(partition_name(day) for day in days(MONDAY, 4)),
    ]


async def test_making_partitions_again_makes_none(postgres_db: Database) -> None:
    await ensure_partitions(postgres_db, now=T0)
    assert await ensure_partitions(postgres_db, now=T0 + timedelta(hours=11)) == 0
    assert await ensure_partitions(postgres_db, now=T0 + DAY) == 1  # Friday's
    assert await day_partitions(postgres_db) == days(MONDAY, 5)


async def test_two_handles_making_partitions_at_once_make_each_day_once(
    postgres_db: Database,
) -> None:
    other = Database.from_url(postgres_db.engine.url.render_as_string(hide_password=False))
    try:
        made = await asyncio.gather(
            ensure_partitions(postgres_db, now=T0), ensure_partitions(other, now=T0)
        )
    finally:
        await other.dispose()
    assert sum(made) == 4  # and neither failed on a partition the other made
    assert await day_partitions(postgres_db) == days(MONDAY, 4)


async def test_a_result_of_a_day_without_partition_lands_in_default(
    postgres_db: Database,
) -> None:
    await write(postgres_db, [record(T0)])
    assert await rows_in(postgres_db, DEFAULT_PARTITION) == 1


async def test_results_in_default_move_to_their_day_when_it_is_made(
    postgres_db: Database,
) -> None:
    await write(postgres_db, [record(at) for at in every(T0, timedelta(hours=5), 4)])
    assert await create_day_partition(postgres_db, MONDAY) is True
    # 12:00, 17:00 and 22:00 are Monday's; 03:00 is Tuesday's, which has no partition yet.
    assert await rows_in(postgres_db, partition_name(MONDAY)) == 3
    assert await rows_in(postgres_db, DEFAULT_PARTITION) == 1
    assert await rows_in(postgres_db, "probe_results") == 4


async def test_no_result_is_lost_while_its_day_is_made_under_a_writer(
    postgres_db: Database,
) -> None:
    writer = ResultWriter(postgres_db, batch_size=50, flush_interval_s=0.01)
    writer.start()
    other = Database.from_url(postgres_db.engine.url.render_as_string(hide_password=False))
    try:
        for at in every(T0, timedelta(seconds=10), 1000):  # Monday, into DEFAULT
            writer.submit(record(at))
        made = await create_day_partition(other, MONDAY)  # while batches arrive
        await writer.flush()
    finally:
        await writer.close()
        await other.dispose()
    assert made is True
    assert (writer.written, writer.rejected) == (1000, 0)
    assert await rows_in(postgres_db, partition_name(MONDAY)) == 1000
    assert await rows_in(postgres_db, DEFAULT_PARTITION) == 0


async def test_a_result_arriving_after_its_day_is_made_goes_to_that_day(
    postgres_db: Database,
) -> None:
    await ensure_partitions(postgres_db, now=T0)
    await write(postgres_db, [record(T0 + DAY)])
    assert await rows_in(postgres_db, partition_name(MONDAY + DAY)) == 1
    assert await rows_in(postgres_db, DEFAULT_PARTITION) == 0


async def test_retention_drops_whole_days_before_the_cut_off(postgres_db: Database) -> None:
    for day in days(MONDAY, 10):
        await create_day_partition(postgres_db, day)
    await write(postgres_db, [record(at) for at in every(T0, DAY, 10)])
    await write(postgres_db, [record(T0 - 30 * DAY)])  # an old day without partition
    await roll_up(postgres_db, now=T0 + 10 * DAY, tz=ZoneInfo("UTC"))
    policy = RetentionPolicy(raw_days=2, hourly_days=4, daily_days=6)
    report = await apply_retention(
        postgres_db, now=T0 + 9 * DAY + timedelta(hours=1), policy=policy
    )
    # Cut-off: March 9, 13:00. March 2-8 end by then and go whole; March 9's noon
    # result and the old one in DEFAULT go row by row; March 10 and 11 stay. (The
    # roll-ups are those of tests/storage/test_retention.py plus the old day's.)
    assert report == RetentionReport(
        raw_deleted=2,
        unmeasured_deleted=0,
        hourly_deleted=6 + 1,
        daily_deleted=4 + 1,
        raw_partitions_dropped=7,
    )
    assert await day_partitions(postgres_db) == days(MONDAY + 7 * DAY, 3)
    assert await rows_in(postgres_db, "probe_results") == 2
    assert await scalar(postgres_db, "SELECT min(scheduled_at) FROM probe_results") == T0 + 8 * DAY


async def test_retention_keeps_days_of_hours_not_rolled_up_yet(postgres_db: Database) -> None:
    for day in days(MONDAY, 10):
        await create_day_partition(postgres_db, day)
    await write(postgres_db, [record(at) for at in every(T0, DAY, 10)])
    policy = RetentionPolicy(raw_days=2, hourly_days=4, daily_days=6)
    report = await apply_retention(postgres_db, now=T0 + 20 * DAY, policy=policy)
    assert (report.raw_partitions_dropped, report.raw_deleted) == (0, 0)
    assert await rows_in(postgres_db, "probe_results") == 10


async def test_sqlite_has_no_partitions_to_make(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'statuspage.db'}"
    await upgrade_database(url)
    db = Database.from_url(url)
    try:
        assert await ensure_partitions(db, now=T0) == 0
    finally:
        await db.dispose()


async def test_a_busy_table_costs_the_drop_not_the_rest_of_retention(
    postgres_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader holding the table past the lock timeout: the days' rows go one by one
    and retention carries on (roll-ups, notifications, subscribers) instead of
    stopping at the first lock it could not get."""
    monkeypatch.setattr(partitions, "LOCK_TIMEOUT", "100ms")
    for day in days(MONDAY, 10):
        await create_day_partition(postgres_db, day)
    await write(postgres_db, [record(at) for at in every(T0, DAY, 10)])
    await roll_up(postgres_db, now=T0 + 10 * DAY, tz=ZoneInfo("UTC"))
    policy = RetentionPolicy(raw_days=2, hourly_days=4, daily_days=6)
    async with postgres_db.engine.connect() as reader:
        await reader.execute(text("SELECT count(*) FROM probe_results"))  # ACCESS SHARE held
        report = await apply_retention(
            postgres_db, now=T0 + 9 * DAY + timedelta(hours=1), policy=policy
        )
    assert (report.raw_partitions_dropped, report.raw_deleted) == (0, 8)
    assert (report.hourly_deleted, report.daily_deleted) == (6, 4)
    assert len(await day_partitions(postgres_db)) == 10  # dropped at the next round
    assert await rows_in(postgres_db, "probe_results") == 2
