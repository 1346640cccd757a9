"""One probing process per SQLite file: a second `run` (or `probe`) is refused with
the first one's pid, `serve` shares the file, and a killed owner blocks nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.service.cli_process import Service, environment, free_port, is_up

# Starts real processes (`pytest -m "not slow"` skips it).
pytestmark = pytest.mark.slow


def write_config(folder: Path, port: int, database: str = "status.db") -> Path:
    path = folder / f"statuspage-{port}.toml"
    path.write_text(
        f'[server]\nport = {port}\n[storage]\nurl = "sqlite:///{database}"\n'
        '[[components]]\nname = "api"\n'
    )
    return path


async def start(command: str, folder: Path, *, cwd: Path | None = None) -> Service:
    port = free_port()
    config = write_config(folder, port)
    args = (command, "--config", str(config))
    extra = ("--metrics-port", str(port)) if command == "probe" else ()
    return await Service.start(*args, *extra, env=environment(folder), port=port, cwd=cwd)


@pytest.fixture
async def first_run(tmp_path: Path) -> AsyncIterator[Service]:
    service = await start("run", tmp_path)
    await service.health_until(is_up)
    yield service
    await service.kill()


@pytest.mark.parametrize("command", ["run", "probe"])
async def test_a_second_prober_on_the_same_sqlite_file_is_refused_naming_the_first(
    command: str, first_run: Service, tmp_path: Path
) -> None:
    second = await start(command, tmp_path)
    assert await second.exit_status() == 1
    refusal = "".join(second.log)
    assert f"{tmp_path / 'status.db'} is already used by another probing process" in refusal
    assert f"pid {first_run.pid}" in refusal
    assert "need PostgreSQL" in refusal
    assert "Traceback" not in refusal
    assert await first_run.health() == (200, {"status": "ok", "storage": "ok"} | counters(0, 0))


def counters(pending: int, dropped: int) -> dict[str, int]:
    """Of probe results; a probing process also counts its metric points (none here)."""
    results = {"results_pending": pending, "results_dropped": dropped}
    return results | {"metric_points_pending": 0, "metric_points_dropped": 0}


async def test_a_web_only_process_shares_the_file_with_a_run(
    first_run: Service, tmp_path: Path
) -> None:
    web = await start("serve", tmp_path)
    try:
        await web.health_until(is_up)
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://127.0.0.1:{web.port}/api/v2/components.json") as response,
        ):
            assert response.status == 200
            assert [c["name"] for c in (await response.json())["components"]] == ["api"]
    finally:
        assert await web.stop() == 0
    assert first_run.process.returncode is None


async def test_a_killed_prober_does_not_block_the_next_one(tmp_path: Path) -> None:
    first = await start("run", tmp_path)
    await first.health_until(is_up)
    await first.kill()  # SIGKILL: no clean-up ran, the lock file is still there
    assert (tmp_path / "status.db.lock").read_text() == f"{first.pid}\n"
    second = await start("run", tmp_path)
    try:
        await second.health_until(is_up)
        assert (tmp_path / "status.db.lock").read_text() == f"{second.pid}\n"
    finally:
        assert await second.stop() == 0


async def test_the_lock_file_lies_beside_the_database_and_goes_with_a_clean_stop(
    tmp_path: Path,
) -> None:
    (tmp_path / "data").mkdir()
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    port = free_port()
    config = write_config(tmp_path, port, database="data/status.db")
    service = await Service.start(
        "run", "--config", str(config), env=environment(tmp_path), port=port, cwd=elsewhere
    )
    await service.health_until(is_up)
    assert (tmp_path / "data" / "status.db.lock").exists()
    assert list(elsewhere.iterdir()) == []
    assert await service.stop() == 0
    assert not (tmp_path / "data" / "status.db.lock").exists()
