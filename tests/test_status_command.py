"""`statuspage status`, run as an operator runs it: the roster as a table and as JSON."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

from probes.clock import system_clock
from storage.database import Database
from storage.migrate import upgrade_database
from storage.workers import Beat, heartbeat
from tests.test_commands import clean_env, statuspage


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


def config(tmp_path: Path) -> Path:
    path = tmp_path / "statuspage.toml"
    path.write_text(f'[storage]\nurl = "sqlite:///{tmp_path / "s.db"}"\n', "utf-8")
    return path


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
