"""`statuspage run` when its database fails under it: a PostgreSQL that goes silent
(staged with a real proxy) and a SQLite file damaged in the middle."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer
from sqlalchemy.engine import make_url

from tests.fault_proxy import FaultProxy, Mode
from tests.service.cli_process import Service, environment, free_port, is_up

# Starts real processes (`pytest -m "not slow"` skips it).
pytestmark = pytest.mark.slow


async def healthy(request: web.Request) -> web.Response:
    return web.json_response({"status": "healthy"})


@pytest.fixture
async def target(aiohttp_server: AiohttpServer) -> str:
    app = web.Application()
    app.router.add_get("/health", healthy)
    server = await aiohttp_server(app)
    return f"http://127.0.0.1:{server.port}/health"


def write_config(folder: Path, storage: str, target: str, port: int) -> Path:
    path = folder / "statuspage.toml"
    path.write_text(
        f"[server]\nport = {port}\n[storage]\n{storage}\n"
        f'[[components]]\nname = "api"\nurl = "{target}"\nsla_ms = 2000\n'
        "interval_s = 1\ntimeout_s = 2\n"
    )
    return path


async def run(config: Path, port: int, folder: Path) -> Service:
    service = await Service.start(
        "run", "--config", str(config), env=environment(folder), port=port
    )
    await service.health_until(is_up)
    return service


@pytest.fixture
async def proxy(postgres_url: str) -> AsyncIterator[FaultProxy]:
    server = make_url(postgres_url)
    proxy = await FaultProxy(server.port or 5432, server.host or "127.0.0.1").start()
    yield proxy
    await proxy.close()


@pytest.mark.postgres
async def test_run_keeps_its_jobs_going_while_postgres_is_silent_and_catches_up_after(
    postgres_url: str, proxy: FaultProxy, target: str, tmp_path: Path
) -> None:
    server = make_url(postgres_url).set(drivername="postgresql", port=proxy.port)
    proxied = server.render_as_string(hide_password=False)
    port = free_port()
    timeouts = "connect_timeout_s = 1\nstatement_timeout_s = 1"
    storage = f'url = "{proxied}"\n{timeouts}'
    service = await run(write_config(tmp_path, storage, target, port), port, tmp_path)
    try:
        await proxy.switch(Mode.BLACKHOLE)
        status, body = await service.health_until(lambda s, b: b["storage"] != "ok")
        assert (status, body["status"], body["storage"]) == (200, "degraded", "unavailable")
        await service.health_until(lambda s, b: b["results_pending"] > 0)
        # The status job runs every 5 s: each round fails within the timeouts instead
        # of one round hanging on a connect for a minute while the next are skipped.
        await service.logged_until('msg="periodic job failed"', "job=status", times=2)
        await proxy.switch(Mode.FORWARD)
        clock = asyncio.get_running_loop().time
        switched = clock()
        await service.health_until(lambda s, b: is_up(s, b) and b["results_pending"] <= 1)
        assert clock() - switched < 20  # 31 s and more with asyncpg's 60 s connect wait
    finally:
        exit_status = await service.stop()
    assert exit_status == 0, "".join(service.log)  # every buffered result was written


async def test_run_on_a_sqlite_file_damaged_in_the_middle_says_so_and_exits_with_results_lost(
    target: str, tmp_path: Path
) -> None:
    port = free_port()
    config = write_config(tmp_path, 'url = "sqlite:///status.db"', target, port)
    first = await run(config, port, tmp_path)
    await first.health_until(lambda s, b: stored_results(tmp_path / "status.db") > 0)
    assert await first.stop() == 0
    damage_results_table(tmp_path / "status.db")
    second = await run_until_failing(config, port, tmp_path)
    status, body = second
    assert (status, body["status"], body["storage"]) == (503, "failing", "failed")
    assert "writing results failed" in body["reason"]
    assert "status.db is damaged" in body["reason"]
    assert "restore" in body["reason"]


async def run_until_failing(config: Path, port: int, folder: Path) -> tuple[int, dict[str, Any]]:
    service = await Service.start(
        "run", "--config", str(config), env=environment(folder), port=port
    )
    try:
        return await service.health_until(lambda s, b: s != 200 and "writing" in b["reason"])
    finally:
        exit_status = await service.stop()
        assert exit_status == 3, "".join(service.log)
        assert service.logged("some results were never recorded") == 1


def stored_results(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("SELECT count(*) FROM probe_results").fetchone()[0])


def damage_results_table(path: Path) -> None:
    """Overwrite the root page of the results table, somewhere in the middle of the file."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        # Everything into the main file first, so no newer copy of the page is left in
        # the write-ahead log to be read instead of the damaged one.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'probe_results'"
        ).fetchone()
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
        (pages,) = connection.execute("PRAGMA page_count").fetchone()
    assert 1 < root < pages
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xff" * page_size)
