"""Day partitions of the raw results on PostgreSQL: made ahead, dropped whole.

Since revision 0012, `probe_results` on PostgreSQL is partitioned by range of
`scheduled_at`, one partition per **UTC** day: `probe_results_pYYYYMMDD` holds
[that day 00:00 UTC, the next day 00:00 UTC). `probe_results_default` takes the
rows of any day without a partition of its own, so no insert ever fails for want
of one. `ensure_partitions` (the periodic "partitions" job) makes today's and the
next days'; retention drops the days wholly before its cut-off
(`drop_partitions_before`) and deletes the rest row by row, as on SQLite, which
has no partitions and where every function here does nothing.

Only partitions named as above are ever dropped; an operator's own are left alone.

Locks: each statement waits at most `LOCK_TIMEOUT` for its lock (a failed round is
tried again at the next), because while DDL waits for the table, every query
queued behind it waits too. Both creating and dropping lock the parent table
before the DEFAULT partition, so the two never deadlock each other.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database

PARENT = "probe_results"
DEFAULT_PARTITION = "probe_results_default"
DAYS_AHEAD = 3  # partitions made beyond today: three missed days of the job lose nothing
LOCK_TIMEOUT = "5s"
LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE of a lock not granted within lock_timeout
log = logging.getLogger(__name__)
_DAY_NAME = re.compile(rf"{PARENT}_p(\d{{8}})")


def partition_name(day: date) -> str:
    return f"{PARENT}_p{day:%Y%m%d}"


def is_partition(table_name: str) -> bool:
    """A table that is one of the results' partitions (the schema comparison skips them)."""
    return table_name == DEFAULT_PARTITION or _DAY_NAME.fullmatch(table_name) is not None


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def utc_day(at: datetime) -> date:
    return at.astimezone(UTC).date()


async def is_partitioned(db: Database) -> bool:
    """Whether results live in day partitions: PostgreSQL at revision 0012 or later."""
    if db.is_sqlite:
        return False
    async with db.read() as session:
        connection = await session.connection()
        kind = await connection.scalar(
            text("SELECT relkind::text FROM pg_class WHERE oid = to_regclass(:name)"),
            {"name": PARENT},
        )
    return bool(kind == "p")


async def day_partitions(db: Database) -> list[date]:
    """The days that have a partition attached, oldest first."""
    async with db.read() as session:
        connection = await session.connection()
        names = await connection.scalars(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = to_regclass(:parent)"
            ),
            {"parent": PARENT},
        )
        found = [_DAY_NAME.fullmatch(name) for name in names]
    return sorted(datetime.strptime(m[1], "%Y%m%d").date() for m in found if m is not None)


async def ensure_partitions(db: Database, *, now: datetime, days_ahead: int = DAYS_AHEAD) -> int:
    """Make the partitions of today (UTC) and the `days_ahead` days after it that are
    missing; returns how many were made. Safe to run anywhere, any number of times."""
    if not await is_partitioned(db):
        return 0
    today = utc_day(now)
    made = 0
    for offset in range(days_ahead + 1):
        made += await create_day_partition(db, today + timedelta(days=offset))
    return made


async def create_day_partition(db: Database, day: date) -> bool:
    """Make `day`'s partition, moving in the rows that landed in DEFAULT meanwhile;
    False when it exists already.

    PostgreSQL refuses a partition whose range has rows in DEFAULT, so in one
    transaction: inserts into DEFAULT are held off, its rows of the day move to a
    new table, and that table is attached as the day's partition. Attaching (unlike
    CREATE TABLE ... PARTITION OF) leaves the parent open to reads and writes.
    """
    name, start, end = partition_name(day), day_start(day), day_start(day + timedelta(days=1))
    async with db.write(pages=False) as session:
        connection = await session.connection()
        await _lock_parent(connection, "SHARE UPDATE EXCLUSIVE")  # one maker at a time
        if await connection.scalar(text("SELECT to_regclass(:name)"), {"name": name}):
            return False
        # Self-conflicting, so no insert reaches DEFAULT between the move and the attach.
        await connection.execute(
            text(f"LOCK TABLE {DEFAULT_PARTITION} IN SHARE ROW EXCLUSIVE MODE")
        )
        await connection.execute(
            text(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        )
        await connection.execute(
            text(
                f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION}"  # noqa: S608  (bound times)
                " WHERE scheduled_at >= :start AND scheduled_at < :end RETURNING *)"
                f" INSERT INTO {name} SELECT * FROM moved"
            ),
            {"start": start, "end": end},
        )
        await connection.execute(
            text(
                f"ALTER TABLE {PARENT} ATTACH PARTITION {name}"
                f" FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )
        )
    return True


async def drop_partitions_before(db: Database, cutoff: datetime) -> list[date]:
    """Drop the day partitions whose every row is older than `cutoff` (the day ends
    at or before it); returns their days. Rows of the day holding the cut-off stay,
    for retention to delete one by one."""
    if not await is_partitioned(db):
        return []
    old = [d for d in await day_partitions(db) if day_start(d + timedelta(days=1)) <= cutoff]
    dropped = []
    for day in old:
        try:
            await _drop_partition(db, day)
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            # Readers held the table past LOCK_TIMEOUT: the day's rows go one by one
            # instead (retention deletes them next), and the rest of retention runs.
            log.warning("results of %s: table busy, deleting its rows instead", day)
            continue
        dropped.append(day)
    return dropped


async def _drop_partition(db: Database, day: date) -> None:
    async with db.write() as session:
        connection = await session.connection()
        await _lock_parent(connection, "ACCESS EXCLUSIVE")
        # Detached and dropped in one transaction: no orphan table if the process dies.
        await connection.execute(
            text(f"ALTER TABLE {PARENT} DETACH PARTITION {partition_name(day)}")
        )
        await connection.execute(text(f"DROP TABLE {partition_name(day)}"))


async def _lock_parent(connection: AsyncConnection, mode: str) -> None:
    await connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    await connection.execute(text(f"LOCK TABLE {PARENT} IN {mode} MODE"))
