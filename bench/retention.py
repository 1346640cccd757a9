"""Retention benchmark: retiring one day of raw results on PostgreSQL, by row DELETE
(a plain table, as before revision 0012) and by dropping the day's partition (0012),
in the same run, through the same `apply_retention`.

Run: STATUSPAGE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
       .venv/bin/python -m bench.retention [--rows 500000]

Each way gets a throw-away database holding `--rows` results of the day to retire
and a tenth as many of the next day (kept), written with one INSERT ... SELECT.
Figures go to docs/scaling.md and docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path and this very file would
# shadow the `storage` package it measures.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import asyncio
import platform
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from storage.components import sync_components
from storage.database import Database
from storage.engine import Timeouts
from storage.migrate import upgrade_database
from storage.results.partitions import create_day_partition, day_start
from storage.results.retention import RetentionPolicy, apply_retention
from tests.storage.builders import (
    component,
    create_postgres_database,
    drop_postgres_database,
    postgres_admin_url,
)

OLD_DAY = date(2026, 11, 24)
KEPT_DAY = OLD_DAY + timedelta(days=1)
NOW = day_start(KEPT_DAY + timedelta(days=1))  # the cut-off (one day kept) is KEPT_DAY 00:00
POLICY = RetentionPolicy(raw_days=1, hourly_days=1, daily_days=1)
COMPONENTS = 100

# i-th row: component i % 100, spread evenly over the day.
FILL = text(
    "INSERT INTO probe_results (component_id, region, scheduled_at, started_at, status,"
    " latency_ms, within_sla, attempts)"
    " SELECT 'c' || (i % CAST(:components AS int)), 'default', t, t, 'up', 100.0, true, 1"
    " FROM generate_series(0, CAST(:rows AS int) - 1) AS i, LATERAL (SELECT"
    " CAST(:start AS timestamptz) + (i / CAST(:components AS int)) * CAST(:step AS interval))"
    " AS s(t)"
)


@dataclass(frozen=True, slots=True)
class Outcome:
    way: str
    retention_s: float
    vacuum_s: float
    rows_deleted: int
    partitions_dropped: int
    rows_left: int
    size_before_mb: float
    size_after_mb: float


async def measure(way: str, revision: str, rows: int) -> Outcome:
    url = await create_postgres_database()
    try:
        await upgrade_database(url, revision=revision)
        db = Database.from_url(url, timeouts=Timeouts(statement_s=3600))
        try:
            return await _retire_one_day(db, way, rows)
        finally:
            await db.dispose()
    finally:
        await drop_postgres_database(url)


async def measure_upgrade(rows: int) -> float:
    """Seconds revision 0012 takes to rebuild a plain table holding the same rows."""
    url = await create_postgres_database()
    try:
        await upgrade_database(url, revision="0011")
        db = Database.from_url(url, timeouts=Timeouts(statement_s=3600))
        try:
            await _two_days(db, rows)
        finally:
            await db.dispose()
        started = time.perf_counter()
        await upgrade_database(url)
        return time.perf_counter() - started
    finally:
        await drop_postgres_database(url)


async def _two_days(db: Database, rows: int) -> None:
    components = [component(f"c{i}") for i in range(COMPONENTS)]
    await sync_components(db, components, day_start(OLD_DAY) - timedelta(days=1))
    await _fill(db, OLD_DAY, rows)
    await _fill(db, KEPT_DAY, rows // 10)


async def _retire_one_day(db: Database, way: str, rows: int) -> Outcome:
    if way == "partition DROP":
        for day in (OLD_DAY, KEPT_DAY):
            await create_day_partition(db, day)
    await _two_days(db, rows)
    await _autocommit(db, "VACUUM ANALYZE")  # a settled start: hint bits set, statistics in
    size_before = await _database_mb(db)
    started = time.perf_counter()
    report = await apply_retention(db, now=NOW, policy=POLICY)
    retention_s = time.perf_counter() - started
    started = time.perf_counter()
    await _autocommit(db, "VACUUM probe_results")  # what the deletes leave autovacuum to do
    vacuum_s = time.perf_counter() - started
    return Outcome(
        way=way,
        retention_s=retention_s,
        vacuum_s=vacuum_s,
        rows_deleted=report.raw_deleted,
        partitions_dropped=report.raw_partitions_dropped,
        rows_left=int(await _scalar(db, "SELECT count(*) FROM probe_results")),
        size_before_mb=size_before,
        size_after_mb=await _database_mb(db),
    )


async def _fill(db: Database, day: date, rows: int) -> None:
    step = timedelta(days=1) / max(1, rows // COMPONENTS)
    async with db.write(pages=False) as session:
        connection = await session.connection()
        parameters = {"components": COMPONENTS, "rows": rows, "start": day_start(day)}
        await connection.execute(FILL, {**parameters, "step": step})


async def _scalar(db: Database, sql: str) -> float:
    async with db.read() as session:
        connection = await session.connection()
        return float(await connection.scalar(text(sql)) or 0)


async def _database_mb(db: Database) -> float:
    return await _scalar(db, "SELECT pg_database_size(current_database())") / 1e6


async def _autocommit(db: Database, sql: str) -> None:
    async with db.engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text(sql))


async def _server_version() -> str:
    url = await create_postgres_database()
    db = Database.from_url(url)
    try:
        async with db.read() as session:
            connection = await session.connection()
            return str(await connection.scalar(text("SHOW server_version")))
    finally:
        await db.dispose()
        await drop_postgres_database(url)


def show(outcome: Outcome) -> None:
    print(
        f"{outcome.way:15} retention {outcome.retention_s:7.2f} s, then VACUUM"
        f" {outcome.vacuum_s:6.2f} s; rows deleted {outcome.rows_deleted:,},"
        f" partitions dropped {outcome.partitions_dropped}, rows left {outcome.rows_left:,};"
        f" database {outcome.size_before_mb:.0f} MB -> {outcome.size_after_mb:.0f} MB"
    )


async def main(rows: int) -> None:
    if postgres_admin_url() is None:
        raise SystemExit("set STATUSPAGE_TEST_POSTGRES_URL: this measures PostgreSQL only")
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(f"# Retiring one day of {rows:,} raw results ({platform.node()}, {when},")
    print(f"# PostgreSQL {await _server_version()})")
    for way, revision in (("row DELETE", "0011"), ("partition DROP", "head")):
        show(await measure(way, revision, rows))
    total = rows + rows // 10
    print(f"upgrade 0011 -> 0012 of a table of {total:,} rows: {await measure_upgrade(rows):.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=500_000)
    asyncio.run(main(parser.parse_args().rows))
