from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pytest_aiohttp import AiohttpServer

from probes.assertions import parse_assertion
from probes.batch import check_all, start_rate_throttler
from probes.http import make_client_session
from probes.model import ProbeStatus
from tests.probes.dns_server import LoopbackDNS, Zone
from tests.probes.targets import RawServer, answer_then_keep_open, hang_forever, make_check


class Recorder:
    """A target that notes when each request starts and how many run at once."""

    def __init__(self) -> None:
        self.starts: list[float] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.starts.append(time.perf_counter())
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(0.05)
        self.in_flight -= 1
        return web.json_response({"status": "healthy"})


@pytest.fixture
async def recorder(aiohttp_server: AiohttpServer) -> tuple[Recorder, TestServer]:
    recorder = Recorder()
    app = web.Application()
    app.router.add_get("/health", recorder.handle)
    return recorder, await aiohttp_server(app)


async def test_it_returns_results_in_the_order_of_the_specs(target: TestServer) -> None:
    specs = [
        make_check(target.make_url("/slow/150"), name="slow"),
        make_check(target.make_url("/status/500"), name="failing"),
        make_check(target.make_url("/health"), name="fast"),
    ]

    results = await check_all(specs, concurrency=3, rate_per_s=100)

    assert [r.http_status for r in results] == [200, 500, 200]


async def test_it_keeps_at_most_concurrency_probes_in_flight(
    recorder: tuple[Recorder, TestServer],
) -> None:
    counts, server = recorder
    specs = [make_check(server.make_url("/health")) for _ in range(8)]

    await check_all(specs, concurrency=2, rate_per_s=1000)

    assert counts.most_in_flight == 2


async def test_it_starts_at_most_rate_per_s_probes_a_second(
    recorder: tuple[Recorder, TestServer],
) -> None:
    counts, server = recorder
    specs = [make_check(server.make_url("/health")) for _ in range(3)]

    await check_all(specs, concurrency=10, rate_per_s=2.5)  # 2 starts per 0.8 s

    assert counts.starts[2] - counts.starts[0] >= 0.7


async def test_one_hanging_check_does_not_stall_the_others(target: TestServer) -> None:
    async with RawServer(hang_forever) as hanging:
        specs = [make_check(hanging.url, timeout_s=0.3), make_check(target.make_url("/health"))]

        results = await check_all(specs, concurrency=2, rate_per_s=100)

    assert [r.status for r in results] == [ProbeStatus.DOWN, ProbeStatus.UP]


async def test_it_keeps_connections_alive_only_for_checks_that_ask() -> None:
    async with RawServer(answer_then_keep_open) as server:
        reused = [make_check(server.url, reuse_connections=True) for _ in range(3)]
        fresh = [make_check(server.url) for _ in range(2)]

        await check_all(reused + fresh, concurrency=1, rate_per_s=1000)

    assert server.connections == 1 + 2


async def test_it_uses_the_session_it_is_given(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    results = await check_all(
        [make_check(target.make_url("/health"))], concurrency=1, rate_per_s=1, session=session
    )

    assert results[0].status is ProbeStatus.UP
    assert not session.closed


@pytest.mark.parametrize(("concurrency", "rate_per_s"), [(0, 1.0), (1, 0.0), (1, float("nan"))])
async def test_it_refuses_limits_that_would_never_run_anything(
    concurrency: int, rate_per_s: float
) -> None:
    with pytest.raises(
        ValueError, match=r"^concurrency must be at least 1 and rate_per_s above 0$"
    ):
        await check_all([], concurrency=concurrency, rate_per_s=rate_per_s)


async def test_every_probe_goes_out_on_the_session_it_is_given(target: TestServer) -> None:
    echoed = parse_assertion('body.headers["User-Agent"] == "given/1"')
    spec = make_check(target.make_url("/echo"), assertions=(echoed,))
    async with make_client_session(user_agent="given/1") as given:
        (result,) = await check_all([spec], concurrency=1, rate_per_s=100, session=given)

    assert (result.status, result.error) == (ProbeStatus.UP, None)


async def test_without_a_session_lookups_go_to_the_named_dns_servers(target: TestServer) -> None:
    async with LoopbackDNS(Zone(addresses={"app.example.test": "127.0.0.1"})) as dns:
        spec = make_check(f"http://app.example.test:{target.port}/health")
        (result,) = await check_all([spec], concurrency=1, rate_per_s=100, dns_servers=[dns.server])

    assert (result.status, result.error) == (ProbeStatus.UP, None)
    assert {name for name, _ in dns.queries} == {"app.example.test"}


@pytest.mark.parametrize(
    ("rate_per_s", "starts", "period_s"), [(0.5, 1, 2.0), (1.5, 1, 2 / 3), (2.5, 2, 0.8)]
)
def test_the_start_rate_becomes_whole_starts_per_period(
    rate_per_s: float, starts: int, period_s: float
) -> None:
    throttler = start_rate_throttler(rate_per_s)

    assert (throttler.rate_limit, throttler.period) == (starts, pytest.approx(period_s))
