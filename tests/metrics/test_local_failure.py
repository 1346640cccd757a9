"""A scrape that fails because the prober itself ran out of file descriptors is ours:
recorded as `local`, never as the application's fault and never as a value."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from probes.metrics.fetch import Endpoint, FetchFailure, fetch_exposition
from probes.sessions import ProbeSessions
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
