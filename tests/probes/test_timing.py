from __future__ import annotations

import asyncio

import aiohttp
from aiohttp.test_utils import TestServer

from probes.http import make_client_session, probe
from probes.model import Phases, ProbeStatus
from probes.timing import RequestTiming
from tests.probes.targets import RawServer, answer_then_keep_open, make_check


def localhost(url: object) -> str:
    return str(url).replace("127.0.0.1", "localhost")


def assert_within_total(phases: Phases) -> None:
    assert phases.total_ms is not None
    assert phases.ttfb_ms is not None
    assert phases.ttfb_ms <= phases.total_ms
    before_request = [phases.dns_ms, phases.connect_ms, phases.tls_ms]
    assert sum(p for p in before_request if p is not None) <= phases.ttfb_ms


async def test_it_times_connect_and_first_byte_of_a_fresh_connection_to_an_ip(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    phases = (await probe(session, make_check(target.make_url("/health")))).phases

    assert phases.dns_ms is None  # an IP needs no lookup
    assert phases.connect_ms is not None
    assert phases.tls_ms is None  # plain HTTP
    assert_within_total(phases)


async def test_it_times_the_dns_lookup_of_a_hostname(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    phases = (await probe(session, make_check(localhost(target.make_url("/health"))))).phases

    assert phases.dns_ms is not None
    assert phases.connect_ms is not None
    assert_within_total(phases)


async def test_it_counts_the_server_time_in_the_first_byte(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    phases = (await probe(session, make_check(target.make_url("/slow/100")))).phases

    assert phases.ttfb_ms is not None
    assert phases.ttfb_ms >= 100


async def test_it_times_the_tls_handshake_apart_from_the_tcp_connect(
    tls_session: aiohttp.ClientSession, tls_target: TestServer
) -> None:
    result = await probe(tls_session, make_check(localhost(tls_target.make_url("/health"))))

    assert result.status is ProbeStatus.UP
    assert result.phases.tls_ms is not None
    assert result.phases.tls_ms > 0
    assert result.phases.dns_ms is not None
    assert_within_total(result.phases)


async def test_it_reports_an_untrusted_certificate_as_a_tls_error(
    session: aiohttp.ClientSession, tls_target: TestServer
) -> None:
    result = await probe(session, make_check(tls_target.make_url("/health")))

    assert result.status is ProbeStatus.DOWN
    assert result.error is not None
    assert result.error.startswith("TLS error: ")
    assert "certificate" in result.error


async def test_a_default_session_opens_a_new_connection_for_every_probe(
    session: aiohttp.ClientSession,
) -> None:
    async with RawServer(answer_then_keep_open) as server:
        for _ in range(3):
            result = await probe(session, make_check(server.url))
            assert result.phases.connect_ms is not None

    assert server.connections == 3


async def test_a_keep_alive_session_reuses_the_connection_when_the_check_asks() -> None:
    async with (
        RawServer(answer_then_keep_open) as server,
        make_client_session(keep_alive=True) as session,
    ):
        spec = make_check(server.url, reuse_connections=True)
        first, second = [await probe(session, spec) for _ in range(2)]

    assert server.connections == 1
    assert first.phases.connect_ms is not None
    assert second.phases.connect_ms is None
    assert second.phases.ttfb_ms is not None


async def test_a_keep_alive_session_gives_a_check_that_will_not_reuse_a_new_connection(
    target: TestServer,
) -> None:
    spec = make_check(target.make_url("/health"))  # the server honours "Connection: close"
    async with make_client_session(keep_alive=True) as session:
        results = [await probe(session, spec) for _ in range(2)]

    assert all(result.phases.connect_ms is not None for result in results)


async def test_time_queued_for_our_own_pool_is_neither_latency_nor_timeout(
    target: TestServer,
) -> None:
    spec = make_check(target.make_url("/slow/200"), timeout_s=0.35)
    async with make_client_session(per_host=1) as session:
        first, second = await asyncio.gather(probe(session, spec), probe(session, spec))

    # Queued behind the first, the second would take over 400 ms and time out at 350.
    assert first.status is second.status is ProbeStatus.UP
    assert 200 <= second.latency_ms < 400


def test_nothing_measured_means_no_phases() -> None:
    assert RequestTiming().phases() == Phases()
