"""The pair of sessions: uncapped by default, one fresh and one kept, sharing the named servers."""

from __future__ import annotations

import aiohttp
from aiohttp.test_utils import TestServer

from probes.http import probe
from probes.model import ProbeStatus
from probes.resolver import FreshLookupResolver
from probes.sessions import ProbeSessions
from tests.probes.dns_server import LoopbackDNS, Zone
from tests.probes.targets import make_check


def caps(session: aiohttp.ClientSession) -> tuple[int, int, bool]:
    connector = session.connector
    assert isinstance(connector, aiohttp.TCPConnector)
    return connector.limit, connector.limit_per_host, connector.force_close


async def test_by_default_neither_session_caps_connections_and_only_one_keeps_them() -> None:
    sessions = ProbeSessions.open()
    try:
        assert caps(sessions.fresh) == (0, 0, True)
        assert caps(sessions.kept) == (0, 0, False)
        assert sessions.resolver is None
    finally:
        await sessions.close()
    assert sessions.fresh.closed
    assert sessions.kept.closed


async def test_caps_apply_to_both_sessions() -> None:
    sessions = ProbeSessions.open(concurrency=7, per_host=3)
    try:
        assert caps(sessions.fresh)[:2] == caps(sessions.kept)[:2] == (7, 3)
    finally:
        await sessions.close()


async def test_a_check_gets_the_session_that_matches_its_connection_reuse() -> None:
    sessions = ProbeSessions.open()
    try:
        assert sessions.for_check(make_check("http://x", reuse_connections=True)) is sessions.kept
        assert sessions.for_check(make_check("http://x")) is sessions.fresh
    finally:
        await sessions.close()


async def test_both_sessions_look_names_up_on_the_named_servers(target: TestServer) -> None:
    async with LoopbackDNS(Zone(addresses={"app.example.test": "127.0.0.1"})) as dns:
        sessions = ProbeSessions.open([dns.server])
        url = f"http://app.example.test:{target.port}/health"
        try:
            for reuse in (False, True):
                spec = make_check(url, reuse_connections=reuse)
                assert (await probe(sessions.for_check(spec), spec)).status is ProbeStatus.UP
        finally:
            await sessions.close()
    assert isinstance(sessions.resolver, FreshLookupResolver)
    assert sessions.resolver.ready_channels == 0  # closed with the sessions
