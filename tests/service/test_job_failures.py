"""Periodic jobs remember a failing round until the job succeeds again (for /healthz)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from probes.clock import system_clock
from statuspage.config import load_settings
from statuspage.service.jobs import PeriodicJobs
from statuspage.service.settings_holder import SettingsHolder
from statuspage.service.startup import open_database, prepare_database
from storage.database import Database

CONFIG = (
    '[storage]\nurl = "sqlite:///status.db"\n'
    '[[components]]\nname = "api"\nurl = "http://127.0.0.1:9/"\nsla_ms = 100\n'
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    (tmp_path / "statuspage.toml").write_text(CONFIG)
    settings = load_settings(tmp_path / "statuspage.toml", {})
    database = open_database(settings)
    await prepare_database(database, settings, upgrade=True, clock=system_clock)
    yield database
    await database.dispose()


async def rename(db: Database, old: str, new: str) -> None:
    async with db.write() as session:
        await session.exec(text(f"ALTER TABLE {old} RENAME TO {new}"))  # type: ignore[call-overload]


async def until(jobs: PeriodicJobs, *, failing: bool) -> None:
    async with asyncio.timeout(60):
        while ("status" in jobs.failures) is not failing:
            await asyncio.sleep(0.05)


async def test_a_failed_round_is_remembered_until_a_later_round_succeeds(
    db: Database, tmp_path: Path
) -> None:
    await rename(db, "probe_results", "results_away")  # the status job reads results
    settings = SettingsHolder(load_settings(tmp_path / "statuspage.toml", {}))
    jobs = PeriodicJobs(db, settings, clock=system_clock)
    jobs.start()
    try:
        await until(jobs, failing=True)
        assert "probe_results" in str(jobs.failures["status"])
        await rename(db, "results_away", "probe_results")
        await until(jobs, failing=False)  # the next round, 5 s later
    finally:
        await jobs.shutdown()
