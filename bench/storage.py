"""Storage benchmark: insert rate, summary time, database size at the retention plateau.

Run: .venv/bin/python bench/storage.py   (or: .venv/bin/python -m bench.storage)
With STATUSPAGE_TEST_POSTGRES_URL set, PostgreSQL is measured too (in a
throw-away database). Figures go to docs/storage.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path and this very file would
# shadow the `storage` package it measures.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import asyncio
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import SQLModel

from statuspage.process import tune_garbage_collector
from storage.components import sync_components
from storage.database import Database
from storage.engine import Timeouts, create_engine
from storage.figures import histogram
from storage.figures.aggregate import Aggregate
from storage.migrate import upgrade_database
from storage.queries.summary import component_overviews, component_summary
from storage.results.retention import RetentionPolicy, apply_retention
from storage.results.rollup import roll_up
from storage.results.writer import ResultRecord, ResultWriter
from storage.sql import upsert
from tests.storage.builders import (
    component,
    create_postgres_database,
    drop_postgres_database,
    postgres_admin_url,
    record,
)

TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
COMPONENTS = [f"component-{i:03d}" for i in range(100)]
INTERVAL = timedelta(seconds=30)
PER_DAY = int(timedelta(days=1) / INTERVAL)  # 2880 results per component per day


@asynccontextmanager
async def database(kind: str, **sqlite_options: str) -> AsyncIterator[Database]:
    """A fresh, migrated database with the 100 components."""
    with tempfile.TemporaryDirectory() as folder:
        url = await _new_url(kind, Path(folder))
        await upgrade_database(url)
        if kind == "sqlite":
            db = Database(create_engine(url, **sqlite_options))  # type: ignore[arg-type]
        else:
            # VACUUM of the size simulation may take longer than a service statement may.
            db = Database.from_url(url, timeouts=Timeouts(statement_s=3600))
        await sync_components(db, [component(c) for c in COMPONENTS], NOW - timedelta(days=400))
        try:
            yield db
        finally:
            await db.dispose()
            if kind == "postgresql":
                await drop_postgres_database(url)


async def _new_url(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}"
    return await create_postgres_database()


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if postgres_admin_url() else ["sqlite"]


def day_of_records(
    components: list[str], day_start: datetime, rng: random.Random
) -> list[ResultRecord]:
    records = []
    for slot in range(PER_DAY):
        at = day_start + slot * INTERVAL
        for cid in components:
            status = "up" if rng.random() > 0.01 else "down"
            records.append(record(at, status, rng.lognormvariate(4.5, 0.5), component_id=cid))
    return records


async def write_all(db: Database, records: list[ResultRecord]) -> float:
    """Seconds to write `records` through a ResultWriter in batches of 500."""
    writer = ResultWriter(db, batch_size=500, max_buffer=len(records) + 1)
    started = time.perf_counter()
    for r in records:
        writer.submit(r)
    await writer.flush()
    return time.perf_counter() - started


async def bench_insert_rate() -> None:
    print("\n## Batched insert rate (ResultWriter, batches of 500, 100 components)")
    records = day_of_records(COMPONENTS, NOW - timedelta(days=2), random.Random(1))[:100_000]
    setups: list[tuple[str, str, dict[str, str]]] = [
        ("sqlite synchronous=FULL (default)", "sqlite", {}),
        ("sqlite synchronous=NORMAL", "sqlite", {"sqlite_synchronous": "NORMAL"}),
    ]
    if postgres_admin_url():
        setups.append(("postgresql (asyncpg, localhost)", "postgresql", {}))
    for label, kind, options in setups:
        async with database(kind, **options) as db:
            seconds = await write_all(db, records)
        rate = len(records) / seconds
        print(f"{label:38} {rate:>10,.0f} results/s ({len(records):,} in {seconds:.2f} s)")


async def median_seconds(work: Callable[[], Awaitable[object]], runs: int = 5) -> float:
    await work()  # warm: compiled statements, caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def summary_times(db: Database) -> tuple[float, float]:
    """Seconds for the front page (overviews of all 100 components) and for 100
    component pages (one full summary each, latency percentiles included)."""

    async def detail_pages() -> None:
        for cid in COMPONENTS:
            await component_summary(db, cid, now=NOW, tz=TZ)

    overview = await median_seconds(
        lambda: component_overviews(db, COMPONENTS, now=NOW, tz=TZ), runs=21
    )
    return overview, await median_seconds(detail_pages, runs=3)


async def bench_summary(kind: str) -> None:
    async with database(kind) as db:
        raw_seconds = await write_all(
            db, day_of_records(COMPONENTS, NOW - timedelta(days=1), random.Random(2))
        )
        started = time.perf_counter()
        buckets = await roll_up(db, now=NOW, tz=TZ)
        rolled = time.perf_counter() - started
        one_day = await summary_times(db)
    rows = 100 * PER_DAY
    print(
        f"{kind}: 1 day of raw results for 100 components ({rows:,} rows) written in"
        f" {raw_seconds:.1f} s; roll_up wrote {buckets} buckets in {rolled:.2f} s"
        f" ({rows / rolled:,.0f} results/s)"
    )
    async with database(kind) as db:
        # 90 days fills every cell the page shows; 365 adds only history beyond it.
        await insert_synthetic_rollups(db, days=90, hour_days=90)
        await roll_up(db, now=NOW, tz=TZ)  # nothing to roll up: builds the day totals
        full_bar = await summary_times(db)
    async with database(kind) as db:
        await insert_synthetic_rollups(db, days=365, hour_days=90)
        await roll_up(db, now=NOW, tz=TZ)
        full_year = await summary_times(db)
    for label, short, bar, long in (
        ("component_overviews(100 components)", one_day[0], full_bar[0], full_year[0]),
        ("component_summary() x 100", one_day[1], full_bar[1], full_year[1]),
    ):
        print(
            f"{kind}: {label:37} {short * 1000:6.0f} ms with 1 day of history,"
            f" {bar * 1000:6.0f} ms with 90 days, {long * 1000:6.0f} ms with 365 days"
        )


def synthetic_aggregate(rng: random.Random, results: int) -> Aggregate:
    total = Aggregate()
    for _ in range(results):
        total.add(
            "up" if rng.random() > 0.01 else "down",
            rng.lognormvariate(4.5, 0.5),
            within_sla=True,
            maintenance=False,
        )
    return total


async def insert_synthetic_rollups(db: Database, *, days: int, hour_days: int) -> None:
    """Day buckets for `days` and hour buckets for `hour_days`, as the job would leave them."""
    rng = random.Random(3)
    hour_values, day_values = (
        synthetic_aggregate(rng, 120).columns(),
        synthetic_aggregate(rng, PER_DAY).columns(),
    )
    rows = []
    for cid in COMPONENTS:
        for d in range(days):
            rows.append(
                {
                    "component_id": cid,
                    "region": "default",
                    "granularity": "day",
                    "bucket_start": NOW - timedelta(days=d),
                    **day_values,
                }
            )
        for h in range(hour_days * 24):
            rows.append(
                {
                    "component_id": cid,
                    "region": "default",
                    "granularity": "hour",
                    "bucket_start": NOW - timedelta(hours=h),
                    **hour_values,
                }
            )
    await insert_rollups(db, rows)


async def insert_rollups(db: Database, rows: list[dict[str, object]]) -> None:
    rollups = SQLModel.metadata.tables["rollups"]
    key = ("component_id", "region", "granularity", "bucket_start")
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        async with db.write() as session:
            statement = upsert(db.dialect, rollups, key, [c for c in chunk[0] if c not in key])
            await session.exec(statement, params=chunk)


async def scalar(db: Database, sql: str) -> int:
    async with db.engine.connect() as connection:
        return int((await connection.exec_driver_sql(sql)).scalar_one())


async def vacuum(db: Database) -> None:
    """On PostgreSQL, do what autovacuum does between retention runs: mark the
    space of deleted rows reusable (the file does not shrink). SQLite reuses
    freed pages by itself."""
    if db.is_sqlite:
        return
    async with db.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql("VACUUM (ANALYZE)")


async def used_bytes(db: Database) -> int:
    """Bytes in use: SQLite pages not on the free list; PostgreSQL's database size."""
    if not db.is_sqlite:
        return await scalar(db, "SELECT pg_database_size(current_database())")
    pages = await scalar(db, "PRAGMA page_count") - await scalar(db, "PRAGMA freelist_count")
    return pages * await scalar(db, "PRAGMA page_size")


async def bench_plateau(kind: str) -> None:
    """Simulate 10 components probed every 30 s for 20 days with retention applied daily."""
    policy = RetentionPolicy()
    components = COMPONENTS[:10]
    rng = random.Random(4)
    sizes = []
    async with database(kind) as db:
        base = await used_bytes(db)
        start = NOW - timedelta(days=20)
        for day in range(20):
            day_start = start + timedelta(days=day)
            await write_all(db, day_of_records(components, day_start, rng))
            await roll_up(db, now=day_start + timedelta(days=1), tz=TZ)
            await apply_retention(db, now=day_start + timedelta(days=1), policy=policy)
            await vacuum(db)
            sizes.append(await used_bytes(db) - base)
        hour_row, day_row = await rollup_row_bytes(db)
    # Before raw retention starts deleting (day 14) the database grows by one day
    # of raw results plus that day's hour and day roll-ups.
    growth = (sizes[12] - sizes[2]) / 10 / len(components)
    raw_per_day = growth - 24 * hour_row - day_row
    plateau = (
        policy.raw_days * raw_per_day
        + policy.hourly_days * 24 * hour_row
        + policy.daily_days * day_row
    )
    print(
        f"{kind}: used bytes after each simulated day (10 components): "
        + ", ".join(f"{s / 1e6:.1f}" for s in sizes)
        + " MB"
    )
    print(
        f"{kind}: raw results {raw_per_day / 1024:.0f} KiB per component per day"
        f" ({raw_per_day / PER_DAY:.0f} B per result); hour roll-up {hour_row:.0f} B/row;"
        f" day roll-up {day_row:.0f} B/row"
    )
    print(
        f"{kind}: plateau with {policy}: {plateau / 1e6:.1f} MB per component"
        f" ({plateau / 1e6 * 100:.0f} MB for 100 components)"
    )


async def rollup_row_bytes(db: Database) -> tuple[float, float]:
    """Bytes per hour and per day roll-up row, measured by inserting 20,000 of each."""
    before = await used_bytes(db)
    await insert_synthetic_rollups_for_size(db, "hour")
    middle = await used_bytes(db)
    await insert_synthetic_rollups_for_size(db, "day")
    after = await used_bytes(db)
    return (middle - before) / 20_000, (after - middle) / 20_000


async def insert_synthetic_rollups_for_size(db: Database, granularity: str) -> None:
    rng = random.Random(5)
    values = synthetic_aggregate(rng, 120 if granularity == "hour" else PER_DAY).columns()
    step = timedelta(hours=1) if granularity == "hour" else timedelta(days=1)
    rows = [
        {
            "component_id": cid,
            "region": "default",
            "granularity": granularity,
            "bucket_start": NOW - timedelta(days=500) - i * step,
            **values,
        }
        for cid in COMPONENTS
        for i in range(200)
    ]
    await insert_rollups(db, rows)


async def main() -> None:
    print(f"# bench/storage.py — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    postgres = (
        "measured" if postgres_admin_url() else "not measured (no STATUSPAGE_TEST_POSTGRES_URL)"
    )
    print(
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
        f" {os.cpu_count()} CPUs, PostgreSQL {postgres}"
    )
    print(f"histogram: {histogram.BUCKET_COUNT} buckets")
    tune_garbage_collector()
    print("garbage collector tuned as the service tunes it (statuspage.process)")
    await bench_insert_rate()
    print("\n## Summary time (median; 365-day roll-ups generated directly, not from raw)")
    for kind in backends():
        await bench_summary(kind)
    print("\n## Database size at the retention plateau (one result per 30 s per component)")
    for kind in backends():
        await bench_plateau(kind)


if __name__ == "__main__":
    asyncio.run(main())
