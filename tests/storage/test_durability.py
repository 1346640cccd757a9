"""What is acknowledged stays written: through a killed process, killed connections
and readers running alongside the writer."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from storage.components import list_components
from storage.database import Database
from storage.results.rollup import roll_up
from storage.results.writer import ResultWriter
from storage.status import current_statuses, record_status_change
from storage.tables.monitoring import ProbeResultRow
from tests.storage.builders import T0, every, record, terminate_connections
from tests.waiting import eventually

# Starts real processes (`pytest -m "not slow"` skips it).
pytestmark = pytest.mark.slow

CHILD = Path(__file__).with_name("sigkill_writer.py")


async def stored_times(db: Database) -> set[object]:
    async with db.read() as session:
        return set((await session.exec(select(ProbeResultRow.scheduled_at))).all())


async def _run_child_until(url: str, committed_at_least: int) -> int:
    """Start the writing child, SIGKILL it mid-write, return the last count it printed."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.storage.sigkill_writer",
        url,
        stdout=asyncio.subprocess.PIPE,
        cwd=CHILD.parent.parent.parent,  # the repository, where `tests` is a package
    )
    assert child.stdout is not None
    last = 0
    async with asyncio.timeout(60):
        while last < committed_at_least:
            line = await child.stdout.readline()
            assert line, "the child stopped before it was killed"
            last = int(line)
        os.kill(child.pid, signal.SIGKILL)
        rest = await child.stdout.read()  # printed before the kill: committed too
    await child.wait()
    lines = rest.split()
    return int(lines[-1]) if lines else last


async def test_a_killed_writer_process_loses_no_committed_result(db: Database, db_url: str) -> None:
    committed = await _run_child_until(db_url, committed_at_least=1000)
    times = await stored_times(db)
    assert set(every(T0, timedelta(seconds=1), committed)) <= times
    if db.is_sqlite:
        async with db.read() as session:
            check = (await session.exec(text("PRAGMA integrity_check"))).scalar()  # type: ignore[call-overload]
        assert check == "ok"


async def test_killed_postgres_connections_are_replaced_and_nothing_buffered_is_lost(
    postgres_db: Database,
) -> None:
    db = postgres_db
    writer = ResultWriter(
        db, batch_size=20, flush_interval_s=0.01, retry_initial_s=0.01, retry_max_s=0.05
    )
    writer.start()
    killed = 0
    for i, at in enumerate(every(T0, timedelta(seconds=1), 600)):
        writer.submit(record(at))
        if i % 100 == 50:
            killed += await terminate_connections(str(db.engine.url))
        await asyncio.sleep(0.002)
    await writer.close()
    assert killed > 0
    assert (writer.written, writer.pending, writer.dropped) == (600, 0, 0)
    assert len(await stored_times(db)) == 600


async def test_readers_and_a_second_writer_never_see_database_is_locked(
    db: Database, db_url: str
) -> None:
    other = Database.from_url(db_url)  # its own pool, as another process would have
    writer = ResultWriter(db, batch_size=100, flush_interval_s=0.005)
    writer.start()
    stop = asyncio.Event()
    reads = [0] * 4

    async def read_until_stopped(reader: int) -> None:
        while not stop.is_set():
            await current_statuses(other)
            await list_components(other)
            reads[reader] += 1

    async def change_status_until_stopped() -> None:
        status = "operational"
        while not stop.is_set():
            status = "degraded_performance" if status == "operational" else "operational"
            await record_status_change(other, "api", status, at=T0, source="probe")
            await roll_up(other, now=T0 + timedelta(days=1), tz=ZoneInfo("UTC"))

    readers = [asyncio.create_task(read_until_stopped(i)) for i in range(4)]
    changer = asyncio.create_task(change_status_until_stopped())
    for i, at in enumerate(every(T0, timedelta(seconds=1), 3000)):
        writer.submit(record(at))
        if i % 50 == 0:
            await asyncio.sleep(0.001)
    await eventually(lambda: writer.pending == 0 and min(reads) > 0, "every reader reading")
    stop.set()
    await asyncio.gather(*readers)
    await changer
    await writer.close()
    await other.dispose()
    assert all(count > 0 for count in reads)
    assert writer.written == 3000
    assert writer.last_error is None
    async with db.read() as session:
        assert (await session.exec(select(func.count()).select_from(ProbeResultRow))).one() == 3000
