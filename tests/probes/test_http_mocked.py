"""Client-side failures that need the outside world, injected with aioresponses.

A TLS handshake failure and a connect timeout are produced for real on loopback in
test_loopback_failures.py, and DNS failures through named servers in test_dns.py. The
system resolver's failure stays injected here: it would ask the host's name servers.
"""

from __future__ import annotations

import socket

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
    assert result.error == "DNS lookup failed: Name or service not known"


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
