"""Run-once jobs (`storage/locks.py`): while one process holds a job's lock another
skips the job, on PostgreSQL (an advisory lock on its own connection) and on SQLite
(an flock beside the file) alike; the lock is free again once the holder is done."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.database import Database
from storage.locks import run_once


@pytest.fixture
async def two(db_url: str) -> AsyncIterator[tuple[Database, Database]]:
    """Two engines on one database: as two processes have. (flock belongs to the open
    file, so a second open in this process conflicts as another process's would.)"""
    first, second = Database.from_url(db_url), Database.from_url(db_url)
    try:
        yield first, second
    finally:
        await first.dispose()
        await second.dispose()


async def takes(db: Database, name: str) -> bool:
    async with run_once(db, name) as acquired:
        return acquired


async def test_a_second_process_skips_the_job_while_the_first_holds_it(
    two: tuple[Database, Database],
) -> None:
    first, second = two
    async with run_once(first, "rollup") as held:
        assert held
        assert not await takes(second, "rollup")


async def test_the_job_is_free_again_once_the_holder_is_done(
    two: tuple[Database, Database],
) -> None:
    first, second = two
    async with run_once(first, "rollup") as held:
        assert held
    assert await takes(second, "rollup")
    assert await takes(first, "rollup")


async def test_a_held_job_does_not_hold_off_another_job(two: tuple[Database, Database]) -> None:
    first, second = two
    async with run_once(first, "rollup"):
        assert await takes(second, "retention")
