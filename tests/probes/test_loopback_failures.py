"""Connection failures produced for real on 127.0.0.1, not injected.

DNS failures are produced the same way, through a name server on loopback, in
test_dns.py.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

import probes.http
from probes.http import probe
from probes.model import ProbeStatus
from tests.probes.targets import make_check


async def test_tls_spoken_to_a_plain_http_server_is_a_tls_error(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    url = f"https://127.0.0.1:{target.port}/health"  # the server answers the hello in HTTP

    result = await probe(session, make_check(url))

    assert result.status is ProbeStatus.DOWN
    assert result.error == "TLS error: wrong version number"
    assert result.phases.tls_ms is None  # no handshake completed


@contextmanager
def listener_that_never_accepts() -> Iterator[int]:
    """A port whose accept queue is full, so Linux drops further SYNs: a connect hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)  # room for one queued connection
    port = server.getsockname()[1]
    fillers = []
    try:
        for _ in range(2):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
            fillers.append(filler)
        yield port
    finally:
        for filler in fillers:
            filler.close()
        server.close()


async def test_a_connect_that_gets_no_answer_times_out_with_its_own_limit(
    session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # aiohttp's timeouts are kept per connect limit; one made by an earlier test must not
    # decide whether this one is built right.
    monkeypatch.setattr(probes.http, "_CLIENT_TIMEOUTS", {})
    with listener_that_never_accepts() as port:
        check = make_check(f"http://127.0.0.1:{port}/health", connect_timeout_s=0.25)

        result = await probe(session, check)

    assert result.status is ProbeStatus.DOWN
    assert result.error == "connect timeout after 250 ms"
    assert result.latency_ms >= 250
