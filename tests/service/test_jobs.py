"""Periodic jobs: a round in progress at shutdown finishes while the database is open."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

from statuspage.service.jobs import PeriodicJobs
from statuspage.service.settings_holder import SettingsHolder
from storage.database import Database
from storage.results.partitions import day_partitions
from tests.waiting import eventually
from tests.web.factories import NOW, settings_for


class SlowRound:
    """A job that holds its round until released, and says how it ended."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.ended: str | None = None

    async def __call__(self) -> int:
        self.entered.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.ended = "cancelled"
            raise
        self.ended = "finished"
        return 0


def jobs_with(db: Database, tmp_path: Path, slow: SlowRound) -> PeriodicJobs:
    jobs = PeriodicJobs(db, SettingsHolder(settings_for(tmp_path)), clock=lambda: NOW)
    jobs.roll_up = slow  # type: ignore[method-assign]  # the round the test holds
    return jobs


async def test_shutdown_waits_for_a_round_in_progress(db: Database, tmp_path: Path) -> None:
    slow = SlowRound()
    jobs = jobs_with(db, tmp_path, slow)
    jobs.start()
    await asyncio.wait_for(slow.entered.wait(), timeout=30)
    stopping = asyncio.create_task(jobs.shutdown())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # still waiting for the round
    slow.release.set()
    await asyncio.wait_for(stopping, timeout=30)
    assert slow.ended == "finished"


async def test_a_round_still_going_after_the_grace_is_cancelled(
    db: Database, tmp_path: Path
) -> None:
    slow = SlowRound()
    jobs = jobs_with(db, tmp_path, slow)
    jobs.start()
    await asyncio.wait_for(slow.entered.wait(), timeout=30)
    await asyncio.wait_for(jobs.shutdown(grace_s=0.1), timeout=30)
    await eventually(lambda: slow.ended == "cancelled", "the round cancelled")


async def test_the_jobs_make_the_day_partitions_at_start_up(
    postgres_db: Database, tmp_path: Path
) -> None:
    jobs = PeriodicJobs(postgres_db, SettingsHolder(settings_for(tmp_path)), clock=lambda: NOW)
    jobs.start()
    try:
        today = NOW.date()
        expected = [today + timedelta(days=n) for n in range(4)]
        await eventually(
            lambda: _partitions_are(postgres_db, expected), "today's and 3 days' partitions"
        )
    finally:
        await jobs.shutdown()


async def _partitions_are(db: Database, expected: list[date]) -> bool:
    return await day_partitions(db) == expected
