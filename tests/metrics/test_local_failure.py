"""A scrape that fails because the prober itself ran out of file descriptors is ours:
recorded as `local`, never as the application's fault and never as a value."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from probes.metrics.fetch import Endpoint, FetchFailure, fetch_exposition
from probes.sessions import ProbeSessions
from statuspage.service.loop_monitor import LoopMonitor
from storage.database import Database
from storage.metrics.reads import latest_points, latest_problems
from tests.metrics.helpers import CPU, MovingClock, collector, metrics_settings, scrape_source
from tests.probes.test_local_failures import every_file_descriptor_taken


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
async def test_no_file_descriptor_for_the_scrape_is_a_local_failure(
    sessions: ProbeSessions, aiohttp_server: AiohttpServer
) -> None:
    async def metrics(request: web.Request) -> web.Response:
        return web.Response(text="process_cpu_percent 1\n")

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    server = await aiohttp_server(app)
    endpoint = Endpoint(str(server.make_url("/metrics")), 5.0, 1_000_000)
    with every_file_descriptor_taken(), pytest.raises(FetchFailure) as caught:
        await fetch_exposition(sessions.fresh, endpoint)
    assert caught.value.local
    assert caught.value.reason == "not measured: too many open files on the prober"
    assert await fetch_exposition(sessions.fresh, endpoint) == "process_cpu_percent 1\n"


async def test_a_scrape_that_timed_out_while_our_loop_stood_still_is_ours(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="process_cpu_percent 1\n")

    app = web.Application()
    app.router.add_get("/metrics", slow)
    url = str((await aiohttp_server(app)).make_url("/metrics"))
    settings = metrics_settings(tmp_path, scrape_source(url, timeout_s=0.3), CPU)
    monitor = LoopMonitor(tick_s=0.05, stall_s=0.2)
    monitor.start()
    run = replace(collector(db, sessions, settings, clock), monitor=monitor)
    asyncio.get_running_loop().call_later(0.05, time.sleep, 0.6)  # the loop stands still
    try:
        await run.collect("app")
    finally:
        monitor.stop()
    problem = (await latest_problems(db, ["cpu"]))["cpu"]
    assert problem.side == "local"
    assert problem.message.startswith("not measured: the prober's event loop stood still for")
    assert await latest_points(db, ["cpu"]) == {}


async def test_a_scrape_that_timed_out_on_its_own_is_the_targets(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="process_cpu_percent 1\n")

    app = web.Application()
    app.router.add_get("/metrics", slow)
    url = str((await aiohttp_server(app)).make_url("/metrics"))
    settings = metrics_settings(tmp_path, scrape_source(url, timeout_s=0.3), CPU)
    monitor = LoopMonitor(tick_s=0.05, stall_s=0.2)
    monitor.start()
    try:
        await replace(collector(db, sessions, settings, clock), monitor=monitor).collect("app")
    finally:
        monitor.stop()
    problem = (await latest_problems(db, ["cpu"]))["cpu"]
    assert (problem.side, problem.message) == ("target", "timeout after 300 ms")
