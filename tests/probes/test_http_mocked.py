"""Client-side failures that need the outside world, injected with aioresponses."""

from __future__ import annotations

import socket
import ssl

import aiohttp
from aiohttp.client_reqrep import ConnectionKey

from probes.http import probe
from probes.model import ProbeStatus
from tests.aioresponses_compat import mocked_responses
from tests.probes.targets import make_check

URL = "http://status.example.test/health"


def connection_key(host: str = "status.example.test") -> ConnectionKey:
    return ConnectionKey(host, 80, False, True, None, None, None)


async def test_it_reports_a_failed_dns_lookup(session: aiohttp.ClientSession) -> None:
    dns_error = aiohttp.ClientConnectorDNSError(
        connection_key(), socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    )
    with mocked_responses() as mocked:
        mocked.get(URL, exception=dns_error)

        result = await probe(session, make_check(URL))

    assert result.status is ProbeStatus.DOWN
    assert result.error == "DNS lookup failed"


async def test_it_reports_a_tls_handshake_failure(session: aiohttp.ClientSession) -> None:
    handshake = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    handshake.reason = "WRONG_VERSION_NUMBER"
    with mocked_responses() as mocked:
        mocked.get(URL, exception=aiohttp.ClientConnectorSSLError(connection_key(), handshake))

        result = await probe(session, make_check(URL))

    assert result.error == "TLS error: wrong version number"


async def test_it_reports_a_connect_timeout_with_its_own_limit(
    session: aiohttp.ClientSession,
) -> None:
    with mocked_responses() as mocked:
        mocked.get(URL, exception=aiohttp.ConnectionTimeoutError("Connection timeout"))

        result = await probe(session, make_check(URL, connect_timeout_s=0.25))

    assert result.error == "connect timeout after 250 ms"


async def test_it_reports_a_redirect_to_an_unreachable_host(
    session: aiohttp.ClientSession,
) -> None:
    moved = "http://gone.example.test/health"
    refused = ConnectionRefusedError(111, "Connection refused")
    with mocked_responses() as mocked:
        mocked.get(URL, status=301, headers={"Location": moved})
        mocked.get(moved, exception=aiohttp.ClientConnectorError(connection_key(), refused))

        result = await probe(session, make_check(URL))

    assert result.error == "connection refused"


async def test_it_reads_a_mocked_response_like_a_real_one(session: aiohttp.ClientSession) -> None:
    with mocked_responses() as mocked:
        mocked.get(URL, payload={"status": "healthy", "services": {"stripe": "up"}})

        result = await probe(session, make_check(URL))

    assert result.status is ProbeStatus.UP
    assert result.dependencies == {"stripe": "up"}
