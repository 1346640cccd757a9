"""The long-running processes, run as an operator runs them: real subprocesses."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer
from sqlalchemy import func
from sqlmodel import select

from statuspage.shard import Shard
from storage.database import Database
from storage.tables.monitoring import ProbeResultRow
from tests.waiting import eventually, read_until

# Real processes: start-up alone takes a second or more (`pytest -m "not slow"` skips).
pytestmark = pytest.mark.slow

SLOW_S = 0.6
COUNT = web.AppKey("count", dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def slow_target() -> web.Application:
    """Answers after SLOW_S, so a stop nearly always finds probes in flight."""
    seen = {"requests": 0}

    async def health(request: web.Request) -> web.Response:
        seen["requests"] += 1
        await asyncio.sleep(SLOW_S)
        return web.json_response({"status": "healthy"})

    app = web.Application()
    app.router.add_get("/health", health)
    app[COUNT] = seen
    return app


def write_config(folder: Path, base: str, names: list[str], extra: str = "") -> Path:
    blocks = "".join(
        f'[[components]]\nname = "{n}"\nurl = "{base}/health"\nsla_ms = 2000\n'
        "interval_s = 1\ntimeout_s = 2\n"
        for n in names
    )
    path = folder / "statuspage.toml"
    path.write_text(f'[storage]\nurl = "sqlite:///status.db"\n{extra}\n{blocks}')
    return path


async def statuspage(*args: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "statuspage",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )


async def wait_healthy(port: int, process: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as client:
        for _ in range(200):
            if process.returncode is not None:
                _, err = await process.communicate()
                pytest.fail(f"exited early: {err.decode()}")
            try:
                async with client.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
    pytest.fail("the process never became healthy")


async def count_results(folder: Path, component_id: str | None = None) -> int:
    db = Database.from_url(f"sqlite:///{folder / 'status.db'}")
    query = select(func.count()).select_from(ProbeResultRow)
    if component_id is not None:
        query = query.where(ProbeResultRow.component_id == component_id)
    async with db.read() as session:
        found = (await session.exec(query)).one()
    await db.dispose()
    return int(found)


async def more_results_than(folder: Path, component_id: str, count: int) -> bool:
    return await count_results(folder, component_id) > count


async def each_probed_twice(folder: Path, component_ids: set[str]) -> bool:
    return all([await count_results(folder, c) >= 2 for c in component_ids])


async def start_probe(
    config: Path, env: dict[str, str], *options: str
) -> asyncio.subprocess.Process:
    """`statuspage probe` on a freshly upgraded database, once it answers /healthz."""
    upgrade = await statuspage("db", "upgrade", "--config", str(config), env=env)
    assert await upgrade.wait() == 0
    port = free_port()
    args = ("probe", "--config", str(config), *options, "--metrics-port", str(port))
    process = await statuspage(*args, env=env)
    await wait_healthy(port, process)
    return process


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ) | {"STATUSPAGE_RUNTIME_DIR": str(tmp_path / "run")}


@pytest.fixture
async def probe_process(
    aiohttp_server: AiohttpServer, tmp_path: Path, env: dict[str, str]
) -> AsyncIterator[tuple[asyncio.subprocess.Process, Path, web.Application]]:
    target = await aiohttp_server(slow_target())
    config = write_config(tmp_path, str(target.make_url("")).rstrip("/"), ["alpha", "beta"])
    process = await start_probe(config, env)
    yield process, config, target.app
    if process.returncode is None:
        process.kill()
        await process.wait()


async def test_sigterm_finishes_in_flight_probes_and_flushes_every_result(
    probe_process: tuple[asyncio.subprocess.Process, Path, web.Application], tmp_path: Path
) -> None:
    process, _, target = probe_process
    await eventually(lambda: target[COUNT]["requests"] >= 4, "four probes sent")
    process.send_signal(signal.SIGTERM)
    # Bound: the longest timeout (2 s) plus a second, plus slack for a busy machine.
    returncode = await asyncio.wait_for(process.wait(), timeout=10)
    assert returncode == 0
    assert await count_results(tmp_path) == target[COUNT]["requests"]


async def test_probe_refuses_to_start_on_an_unmigrated_database(
    tmp_path: Path, env: dict[str, str]
) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", ["alpha"])
    process = await statuspage("probe", "--config", str(config), env=env)
    _, err = await process.communicate()
    assert process.returncode == 1
    assert "statuspage db upgrade" in err.decode()


async def test_reload_adds_a_component_without_restarting(
    probe_process: tuple[asyncio.subprocess.Process, Path, web.Application],
    tmp_path: Path,
    env: dict[str, str],
) -> None:
    process, config, _ = probe_process
    base = config.read_text().split('url = "')[2].split("/health")[0]
    write_config(tmp_path, base, ["alpha", "beta", "gamma"])
    reload = await statuspage("reload", "--config", str(config), env=env)
    assert await reload.wait() == 0
    await eventually(lambda: count_results(tmp_path, "gamma"), "results for the new component")
    assert process.returncode is None


async def test_a_bad_new_config_is_refused_and_the_old_one_kept(
    probe_process: tuple[asyncio.subprocess.Process, Path, web.Application],
    tmp_path: Path,
) -> None:
    process, config, _ = probe_process
    config.write_text(config.read_text() + "\nnonsense = 1\n")
    assert process.pid is not None
    assert process.stderr is not None
    os.kill(process.pid, signal.SIGHUP)
    refused = await read_until(process.stderr, "reload refused")
    assert "nonsense: unknown key" in refused
    before = await count_results(tmp_path, "alpha")
    await eventually(
        lambda: more_results_than(tmp_path, "alpha", before), "probing to go on after the refusal"
    )
    assert process.returncode is None


async def regions_of(folder: Path, component_id: str) -> set[str]:
    db = Database.from_url(f"sqlite:///{folder / 'status.db'}")
    query = select(ProbeResultRow.region).where(ProbeResultRow.component_id == component_id)
    async with db.read() as session:
        found = set((await session.exec(query)).all())
    await db.dispose()
    return found


async def test_reload_applies_probe_and_log_settings_and_keeps_the_command_line_region(
    aiohttp_server: AiohttpServer, tmp_path: Path, env: dict[str, str]
) -> None:
    target = await aiohttp_server(slow_target())
    base = str(target.make_url("")).rstrip("/")
    config = write_config(tmp_path, base, ["alpha"])
    process = await start_probe(config, env, "--region", "eu-west")
    try:
        extra = '[logging]\nformat = "json"\n[probes]\nconcurrency = 7\n'
        write_config(tmp_path, base, ["alpha", "gamma"], extra)
        assert process.pid is not None
        os.kill(process.pid, signal.SIGHUP)
        await eventually(lambda: count_results(tmp_path, "gamma"), "results for the new component")
        assert await regions_of(tmp_path, "gamma") == {"eu-west"}
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await process.communicate()
    lines = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    applied = [line["key"] for line in lines if line["msg"] == "setting applied"]
    assert applied == ["probes.concurrency"]  # the region stayed the command line's
    assert any(line["msg"] == "configuration reloaded" for line in lines)


async def test_a_probe_process_given_a_shard_probes_only_its_share(
    aiohttp_server: AiohttpServer, tmp_path: Path, env: dict[str, str]
) -> None:
    target = await aiohttp_server(slow_target())
    names = [f"c{i}" for i in range(8)]
    mine = {n for n in names if Shard(2, 2).holds(n)}
    assert mine
    assert mine != set(names)
    config = write_config(tmp_path, str(target.make_url("")).rstrip("/"), names)
    process = await start_probe(config, env, "--shard", "2/2")
    try:
        # Two rounds of this share: all components are spread over one interval, so
        # by then an unsharded process would have probed the others too.
        await eventually(lambda: each_probed_twice(tmp_path, mine), "two rounds of the share")
    finally:
        process.send_signal(signal.SIGTERM)
        await process.communicate()
    probed = {n for n in names if await count_results(tmp_path, n)}
    assert probed == mine
