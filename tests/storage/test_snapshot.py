"""`Database.snapshot()`: a page's reads share one session and, on SQLite, one state."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from storage.database import Database


async def _table_with_one_row(tmp_path: Path, url: str | None = None) -> Database:
    db = Database.from_url(url or f"sqlite:///{tmp_path}/a.db", create=True)
    async with db.write() as session:
        await session.exec(text("CREATE TABLE t (x INTEGER)"))  # type: ignore[call-overload]
        await session.exec(text("INSERT INTO t VALUES (1)"))  # type: ignore[call-overload]
    return db


async def _count(db: Database) -> int:
    async with db.read() as session:
        return int((await session.exec(text("SELECT count(*) FROM t"))).scalar_one())  # type: ignore[call-overload]


def _count_checkouts(db: Database) -> list[Any]:
    checkouts: list[Any] = []
    event.listen(db.engine.sync_engine, "checkout", lambda *args: checkouts.append(args))
    return checkouts


async def test_reads_inside_a_snapshot_share_one_session(tmp_path: Path) -> None:
    db = await _table_with_one_row(tmp_path)
    checkouts = _count_checkouts(db)
    async with db.snapshot():
        async with db.read() as first, db.read() as second:
            assert first is second
        assert [await _count(db) for _ in range(5)] == [1] * 5
    assert len(checkouts) == 1
    await _count(db)  # outside: a session of its own again
    assert len(checkouts) == 2
    await db.dispose()


async def test_a_write_between_two_reads_of_a_snapshot_is_not_seen_until_it_ends(
    tmp_path: Path, db_url: str
) -> None:
    db = await _table_with_one_row(tmp_path, db_url)
    async with db.snapshot():
        assert await _count(db) == 1
        async with db.write() as session:  # writes never use the snapshot's session
            await session.exec(text("INSERT INTO t VALUES (2)"))  # type: ignore[call-overload]
        # SQLite's WAL keeps the read transaction's state; PostgreSQL, REPEATABLE READ
        assert await _count(db) == 1
    assert await _count(db) == 2
    await db.dispose()


async def test_a_nested_snapshot_joins_the_outer_one(tmp_path: Path) -> None:
    db = await _table_with_one_row(tmp_path)
    checkouts = _count_checkouts(db)
    async with db.snapshot():
        await _count(db)
        async with db.snapshot():
            await _count(db)
        await _count(db)  # the inner exit closed nothing
    assert len(checkouts) == 1
    await db.dispose()


async def test_a_task_started_inside_a_snapshot_reads_with_its_own_session(
    tmp_path: Path,
) -> None:
    db = await _table_with_one_row(tmp_path)
    async with db.snapshot(), db.read() as mine:
        theirs = await asyncio.create_task(_session_of_a_read(db))
        assert theirs is not mine
        # Both at once: one AsyncSession cannot serve two coroutines concurrently.
        counts = await asyncio.gather(*(asyncio.create_task(_count(db)) for _ in range(4)))
        assert counts == [1] * 4
    await db.dispose()


async def _session_of_a_read(db: Database) -> object:
    async with db.read() as session:
        return session
