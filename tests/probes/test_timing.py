from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

import probes.timing
from probes.http import make_client_session, probe
from probes.model import Phases, ProbeStatus
from probes.resolver import dns_resolver
from probes.timing import RequestTiming, make_ssl_context
from tests.probes.dns_server import LoopbackDNS, Zone
from tests.probes.targets import RawServer, answer_then_keep_open, make_check
from tests.probes.tls import SelfSigned


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


class SteppingClock:
    """perf_counter for RequestTiming: each reading is the next of the given instants."""

    def __init__(self, *instants: float) -> None:
        self._instants = iter(instants)

    def perf_counter(self) -> float:
        return next(self._instants)


def timing_on(monkeypatch: pytest.MonkeyPatch, start: float, *instants: float) -> RequestTiming:
    monkeypatch.setattr(probes.timing, "time", SteppingClock(*instants))
    return RequestTiming(started=start)


def test_dns_inside_two_connects_is_summed_and_left_out_of_connect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each connection: connect opens, DNS opens and closes, connect closes (read twice).
    timing = timing_on(monkeypatch, 0.0, 1.0, 1.5, 2.5, 4.0, 4.0, 10.0, 10.25, 10.75, 11.0, 11.0)
    for _ in range(2):  # a redirect to another host: a second connection, a second lookup
        timing.connect_started()
        timing.dns_started()
        timing.dns_ended()
        timing.connect_ended()
    assert (timing.dns_s, timing.connect_s, timing.tls_s) == (1.5, 2.5, None)


def test_the_handshake_is_what_follows_the_tcp_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    timing = timing_on(monkeypatch, 0.0, 1.0, 3.0, 7.0, 7.0)
    timing.connect_started()
    timing.tcp_connected()
    timing.connect_ended()
    assert (timing.connect_s, timing.tls_s) == (2.0, 4.0)


def test_every_pool_wait_is_added_up_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    timing = timing_on(monkeypatch, 0.0, 1.0, 1.5, 2.0, 4.0, 9.0)
    timing.on_queued = waits.append
    for _ in range(2):
        timing.queue_started()
        timing.queue_ended()
    timing.mark_finished()
    assert (waits, timing.queued_s) == ([0.5, 2.0], 2.5)
    assert timing.elapsed_ms() == 6500.0  # nine seconds less the waits


def test_first_byte_leaves_out_the_pool_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    timing = timing_on(monkeypatch, 0.0, 1.0, 3.0, 5.0, 6.0)
    timing.queue_started()
    timing.queue_ended()
    timing.headers_received(200)
    timing.mark_finished()
    assert timing.phases() == Phases(ttfb_ms=3000.0, total_ms=4000.0)
    assert timing.http_status == 200


async def test_a_probe_that_waited_for_the_pool_still_times_out_once_connected() -> None:
    answered: list[int] = []

    async def answer_once_then_hang(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        if answered:
            await asyncio.Event().wait()
        answered.append(1)
        await asyncio.sleep(0.2)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        await writer.drain()

    async with RawServer(answer_once_then_hang) as server:
        spec = make_check(server.url, timeout_s=0.35)
        async with make_client_session(per_host=1) as session:
            first, second = await asyncio.gather(probe(session, spec), probe(session, spec))

    assert first.status is ProbeStatus.UP
    assert (second.status, second.error) == (ProbeStatus.DOWN, "timeout after 350 ms")


def test_an_end_without_its_start_counts_nothing() -> None:
    timing = RequestTiming()
    timing.dns_ended()
    timing.queue_ended()
    assert (timing.dns_s, timing.queued_s) == (0.0, 0.0)


async def test_a_request_on_a_probe_session_with_another_trace_context_is_not_timed(
    tls_session: aiohttp.ClientSession, tls_target: TestServer
) -> None:
    url = localhost(tls_target.make_url("/health"))
    async with tls_session.get(url, trace_request_ctx={"caller": "not a probe"}) as response:
        assert response.status == 200


async def test_the_certificate_must_name_the_host_the_probe_asked_for(
    certificate: SelfSigned, tls_target: TestServer
) -> None:
    # The certificate names localhost and 127.0.0.1; this name reaches the same server.
    async with LoopbackDNS(Zone(addresses={"other.example.test": "127.0.0.1"})) as dns:
        resolver = dns_resolver([dns.server])
        context = make_ssl_context(cafile=str(certificate.cert_path))
        async with make_client_session(ssl_context=context, resolver=resolver) as session:
            url = f"https://other.example.test:{tls_target.port}/health"
            result = await probe(session, make_check(url))
        assert resolver is not None
        await resolver.close()

    assert result.status is ProbeStatus.DOWN
    assert result.error is not None
    assert "Hostname mismatch" in result.error


def test_two_lookups_inside_one_connect_are_both_left_out_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    timing = timing_on(monkeypatch, 0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 9.0, 9.0)
    timing.connect_started()
    for _ in range(2):
        timing.dns_started()
        timing.dns_ended()
    timing.connect_ended()
    assert (timing.dns_s, timing.connect_s) == (3.0, 5.0)
