"""The probe runner: limits that isolate slow hosts, confirmation of failures, hand-off."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest
from pytest_aiohttp import AiohttpServer

from probes.model import ProbeStatus
from probes.sessions import ProbeSessions
from tests.probes.dns_server import TYPE_A, LoopbackDNS, Zone
from tests.probes.targets import RawServer, hang_forever, make_check
from tests.service.conftest import ListSink, flaky_app, runner

DUE = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


async def test_a_hanging_host_does_not_delay_probes_of_other_hosts(
    aiohttp_server: AiohttpServer, sessions: ProbeSessions
) -> None:
    healthy = await aiohttp_server(flaky_app(failures=0))
    sink = ListSink()
    probes = runner(sessions, sink)
    async with RawServer(hang_forever) as hanging:
        stuck = [
            asyncio.create_task(probes.run(f"stuck{i}", make_check(hanging.url, timeout_s=3), DUE))
            for i in range(4)
        ]
        await asyncio.sleep(0.05)  # the stuck probes hold their host's slots now
        result = await probes.run("fine", make_check(healthy.make_url("/health")), DUE)
        assert result.status is ProbeStatus.UP
        assert not any(task.done() for task in stuck)
        for task in stuck:
            task.cancel()
        await asyncio.gather(*stuck, return_exceptions=True)


async def test_a_single_failure_is_confirmed_before_it_is_recorded(
    aiohttp_server: AiohttpServer, sessions: ProbeSessions
) -> None:
    server = await aiohttp_server(flaky_app(failures=1))
    sink = ListSink()
    result = await runner(sessions, sink).run("api", make_check(server.make_url("/health")), DUE)
    assert result.status is ProbeStatus.UP
    assert result.attempts == 2
    assert [r.result.status for r in sink.records] == [ProbeStatus.UP]


async def test_a_confirmed_failure_is_recorded_and_logged_once(
    aiohttp_server: AiohttpServer, sessions: ProbeSessions, caplog: pytest.LogCaptureFixture
) -> None:
    server = await aiohttp_server(flaky_app(failures=5))
    sink = ListSink()
    with caplog.at_level(logging.WARNING, logger="statuspage.probes"):
        await runner(sessions, sink).run("api", make_check(server.make_url("/health")), DUE)
    (record,) = sink.records
    assert record.result.status is ProbeStatus.DOWN
    assert record.result.error == "HTTP 503"
    assert record.result.attempts == 2
    assert len([r for r in caplog.records if r.getMessage() == "probe failed"]) == 1


async def test_the_record_carries_region_due_time_and_start_time(
    aiohttp_server: AiohttpServer, sessions: ProbeSessions
) -> None:
    server = await aiohttp_server(flaky_app(failures=0))
    sink = ListSink()
    await runner(sessions, sink).run("api", make_check(server.make_url("/health")), DUE)
    (record,) = sink.records
    assert (record.component_id, record.region, record.scheduled_at) == ("api", "eu", DUE)
    assert record.result.started_at > DUE


async def test_sessions_made_with_dns_servers_look_names_up_there(
    aiohttp_server: AiohttpServer,
) -> None:
    server = await aiohttp_server(flaky_app(failures=0))
    async with LoopbackDNS(Zone(addresses={"api.example.test": "127.0.0.1"})) as dns:
        named = ProbeSessions.open([dns.server])
        sink = ListSink()
        try:
            url = f"http://api.example.test:{server.port}/health"
            result = await runner(named, sink).run("api", make_check(url), DUE)
        finally:
            await named.close()
    assert result.status is ProbeStatus.UP
    assert ("api.example.test", TYPE_A) in dns.queries
    assert named.fresh.closed
    assert named.kept.closed
