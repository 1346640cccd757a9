"""`statuspage status`, run as an operator runs it: the roster as a table and as JSON,
with the metric sources each live worker holds by the rule the workers scrape by."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from probes.clock import system_clock
from statuspage.config import load_settings
from statuspage.metric_specs import source_job_id
from statuspage.service.membership import Membership
from statuspage.service.scheduler import ProbeScheduler
from statuspage.service.settings_holder import SettingsHolder
from storage.database import Database
from storage.migrate import upgrade_database
from storage.workers import Beat, heartbeat
from tests.test_commands import clean_env, statuspage

SOURCES = [f"src{i}" for i in range(40)]  # each of three workers holds some (all but surely)


async def two_workers(url: str) -> None:
    await upgrade_database(url)
    db = Database.from_url(url)
    now = system_clock()
    try:
        for worker_id, share in (("host:1:aa", 20), ("host:2:bb", 10)):
            beat = Beat(worker_id, "eu", "host", 1, now - timedelta(minutes=1), share, 0.004)
            await heartbeat(db, beat, now=now, lease_s=300)
    finally:
        await db.dispose()


def config(tmp_path: Path, sources: list[str] | None = None) -> Path:
    blocks = "".join(
        f'[[metric_sources]]\nname = "{name}"\nkind = "scrape"\n'
        'url = "http://127.0.0.1:9/metrics"\n\n'
        for name in sources or []
    )
    path = tmp_path / "statuspage.toml"
    path.write_text(f'[storage]\nurl = "sqlite:///{tmp_path / "s.db"}"\n\n{blocks}', "utf-8")
    return path


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    url = f"sqlite:///{tmp_path / 's.db'}"
    await upgrade_database(url)
    database = Database.from_url(url)
    yield database
    await database.dispose()


def member(db: Database, tmp_path: Path, region: str) -> Membership:
    """A real worker's membership, on the wall clock the command reads; its scheduler is
    never started. The longest lease: the command runs well within it."""
    path = tmp_path / f"worker-{region}.toml"
    path.write_text(f'[probes]\nregion = "{region}"\nlease_s = 300\n', "utf-8")
    idle = ProbeScheduler(SimpleNamespace(worst_lateness_s=0.0), system_clock)  # type: ignore[arg-type]
    return Membership(db, idle, SettingsHolder(load_settings(path, {})), system_clock)


async def three_members(db: Database, tmp_path: Path) -> list[Membership]:
    members = [member(db, tmp_path, region) for region in ("eu", "eu", "us")]
    for _ in range(2):  # a first look finds only the members that joined before it
        for each in members:
            await each.step()
    return members


def holder_of(name: str, members: list[Membership]) -> list[str]:
    return [m.worker_id for m in members if m.holds(source_job_id(name))]


async def status_json(tmp_path: Path) -> dict[str, Any]:
    path = config(tmp_path, SOURCES)
    result = await asyncio.to_thread(
        statuspage, tmp_path, "status", "--json", "--config", str(path)
    )
    assert result.returncode == 0, result.stderr
    shown: dict[str, Any] = json.loads(result.stdout)
    return shown


def test_status_lists_the_live_workers_per_region(tmp_path: Path) -> None:
    path = config(tmp_path)
    asyncio.run(two_workers(f"sqlite:///{tmp_path / 's.db'}"))
    result = statuspage(tmp_path, "status", "--config", str(path), env=clean_env(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "region eu: 2 live worker(s) probing 30 component(s)"
    assert lines[1].split() == [
        "worker",
        "region",
        "host",
        "pid",
        "state",
        "share",
        "late",
        "ms",
        "heartbeat",
        "metric",
        "sources",
    ]
    assert lines[2].split()[:6] == ["host:1:aa", "eu", "host", "1", "live", "20"]


def test_status_as_json(tmp_path: Path) -> None:
    path = config(tmp_path)
    asyncio.run(two_workers(f"sqlite:///{tmp_path / 's.db'}"))
    result = statuspage(tmp_path, "status", "--json", "--config", str(path))
    workers = json.loads(result.stdout)["workers"]
    assert [(w["worker"], w["share"], w["lateness_ms"]) for w in workers] == [
        ("host:1:aa", 20, 4),
        ("host:2:bb", 10, 4),
    ]


def test_with_no_workers_status_says_why(tmp_path: Path) -> None:
    path = config(tmp_path)
    asyncio.run(upgrade_database(f"sqlite:///{tmp_path / 's.db'}"))
    result = statuspage(tmp_path, "status", "--config", str(path))
    assert result.returncode == 0, result.stderr
    assert "no probe workers" in result.stdout


async def test_status_shows_each_metric_source_in_the_row_of_the_worker_that_holds_it(
    db: Database, tmp_path: Path
) -> None:
    members = await three_members(db, tmp_path)
    path = config(tmp_path, SOURCES)
    result = await asyncio.to_thread(statuspage, tmp_path, "status", "--config", str(path))
    assert result.returncode == 0, result.stderr
    table = [line for line in result.stdout.splitlines() if not line.startswith("region ")]
    column = table[0].index("metric sources")  # aligned: every row's sources start there
    shown = {line.split()[0]: line[column:].split(", ") for line in table[1:]}
    for name in SOURCES:
        assert [w for w, names in shown.items() if name in names] == holder_of(name, members)
    assert "no live worker" not in result.stdout


async def test_status_as_json_moves_a_departed_workers_sources(
    db: Database, tmp_path: Path
) -> None:
    members = await three_members(db, tmp_path)
    before = {w["worker"]: w["metric_sources"] for w in (await status_json(tmp_path))["workers"]}
    assert all(before.values())  # each of the three holds some: the test tells them apart
    gone, survivors = members[0], members[1:]
    await gone.stop()
    for each in survivors:
        await each.step()
    shown = await status_json(tmp_path)
    after = {w["worker"]: w["metric_sources"] for w in shown["workers"]}
    assert gone.worker_id not in after
    for name in before[gone.worker_id]:
        assert [w for w, names in after.items() if name in names] == holder_of(name, survivors)
    assert shown["unheld_metric_sources"] == []


def test_with_no_workers_status_says_no_one_holds_the_metric_sources(tmp_path: Path) -> None:
    path = config(tmp_path, ["app", "billing"])
    asyncio.run(upgrade_database(f"sqlite:///{tmp_path / 's.db'}"))
    result = statuspage(tmp_path, "status", "--config", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "metric sources held by no live worker: app, billing"
    as_json = statuspage(tmp_path, "status", "--json", "--config", str(path))
    assert json.loads(as_json.stdout)["unheld_metric_sources"] == ["app", "billing"]
