"""A run-once job's lock goes away with the process that held it (`storage/locks.py`):
on PostgreSQL because its connection closes, on SQLite because its flock does, so a
killed holder never stops the job for good."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.database import Database
from storage.locks import run_once
from tests.waiting import eventually, read_until

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).parents[2]
HOLD = """
import asyncio, sys
from storage.database import Database
from storage.locks import run_once

async def main() -> None:
    async with run_once(Database.from_url(sys.argv[1]), "rollup") as held:
        print("held" if held else "skipped", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main())
"""


@pytest.fixture
async def holder(db_url: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """Another process that has taken the "rollup" lock and keeps it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLD, db_url, stdout=asyncio.subprocess.PIPE, cwd=ROOT
    )
    assert process.stdout is not None
    assert (await read_until(process.stdout, "held")).strip() == "held"
    yield process
    if process.returncode is None:
        process.kill()
        await process.wait()


async def takes(db: Database) -> bool:
    async with run_once(db, "rollup") as acquired:
        return acquired


async def test_a_killed_holders_lock_is_taken_by_the_next_process(
    db_url: str, holder: asyncio.subprocess.Process
) -> None:
    db = Database.from_url(db_url)
    try:
        assert not await takes(db)
        os.kill(holder.pid, signal.SIGKILL)  # no goodbye: nothing unlocks
        await holder.wait()
        await eventually(lambda: takes(db), "the lock to be free")
    finally:
        await db.dispose()
