"""Lookups through named DNS servers (`[probes] dns_servers`), against a server on 127.0.0.1.

Each failure is a real UDP exchange with `tests.probes.dns_server.LoopbackDNS`; nothing is
injected.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from probes.http import make_client_session, probe
from probes.model import ProbeStatus
from probes.resolver import (
    MAX_READY_CHANNELS,
    FreshLookupResolver,
    dns_resolver,
    parse_dns_server,
)
from tests.probes.dns_server import TYPE_A, LoopbackDNS, Zone
from tests.probes.targets import make_check

TYPE_AAAA = 28

ZONE = Zone(
    addresses={"app.example.test": "127.0.0.1"},
    failing={"broken.example.test"},
    silent={"quiet.example.test"},
)


@pytest.fixture
async def dns() -> AsyncIterator[LoopbackDNS]:
    async with LoopbackDNS(ZONE) as server:
        yield server


@pytest.fixture
async def resolved(dns: LoopbackDNS) -> AsyncIterator[aiohttp.ClientSession]:
    """A new-connection session whose every lookup goes to the loopback server."""
    resolver = dns_resolver([dns.server])
    async with make_client_session(resolver=resolver) as session:
        yield session
    assert resolver is not None
    await resolver.close()


async def test_a_name_is_looked_up_on_the_named_server_and_timed(
    resolved: aiohttp.ClientSession, dns: LoopbackDNS, target: TestServer
) -> None:
    result = await probe(resolved, make_check(f"http://app.example.test:{target.port}/health"))

    assert result.status is ProbeStatus.UP
    assert ("app.example.test", TYPE_A) in dns.queries
    assert result.phases.dns_ms is not None


async def test_every_new_connection_looks_the_name_up_again(
    resolved: aiohttp.ClientSession, dns: LoopbackDNS, target: TestServer
) -> None:
    check = make_check(f"http://app.example.test:{target.port}/health")
    for _ in range(3):
        assert (await probe(resolved, check)).status is ProbeStatus.UP

    assert dns.queries.count(("app.example.test", TYPE_A)) == 3


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("gone.example.test", "Domain name not found"),  # NXDOMAIN
        ("broken.example.test", "DNS server returned general failure"),  # SERVFAIL
    ],
)
async def test_a_failed_lookup_is_down_with_the_resolvers_reason(
    resolved: aiohttp.ClientSession, host: str, reason: str
) -> None:
    result = await probe(resolved, make_check(f"http://{host}/health"))

    assert result.status is ProbeStatus.DOWN
    assert result.error == f"DNS lookup failed: {reason}"


async def test_a_server_that_never_answers_is_cut_off_by_the_probe_deadline(
    resolved: aiohttp.ClientSession, dns: LoopbackDNS
) -> None:
    result = await probe(resolved, make_check("http://quiet.example.test/health", timeout_s=0.5))

    assert result.status is ProbeStatus.DOWN
    assert result.error == "timeout after 500 ms"
    assert ("quiet.example.test", TYPE_A) in dns.queries


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("1.1.1.1", ("1.1.1.1", 53)),
        ("127.0.0.1:5353", ("127.0.0.1", 5353)),
        ("2606:4700::1111", ("2606:4700::1111", 53)),
        ("[::1]:5353", ("::1", 5353)),
        ("[::1]", ("::1", 53)),
        ("127.0.0.1:1", ("127.0.0.1", 1)),
        ("127.0.0.1:65535", ("127.0.0.1", 65535)),
    ],
)
def test_server_addresses_take_an_optional_port(text: str, parsed: tuple[str, int]) -> None:
    assert parse_dns_server(text) == parsed


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("dns.google", "is not an IP address"),
        ("1.1.1.1:0", "has no port between 1 and 65535"),
        ("1.1.1.1:99999", "has no port between 1 and 65535"),
        ("1.1.1.1:65536", "has no port between 1 and 65535"),
        ("1.1.1.1:dns", "has no port between 1 and 65535"),
        ("[::1]:", "is not an IP address"),
        ("", "is not an IP address"),
    ],
)
def test_a_bad_server_address_is_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_dns_server(text)


def test_a_name_instead_of_an_address_is_refused_with_examples() -> None:
    with pytest.raises(ValueError, match="not an IP address") as caught:
        parse_dns_server("dns.google")
    assert str(caught.value) == (
        "'dns.google' is not an IP address with an optional port "
        "(e.g. '1.1.1.1', '1.1.1.1:5353' or '[2606:4700::1111]:53')"
    )


def test_no_servers_means_the_systems_resolver() -> None:
    assert dns_resolver([]) is None


async def test_a_fixed_server_is_asked_again_while_its_answer_would_still_be_cached(
    resolved: aiohttp.ClientSession, dns: LoopbackDNS, target: TestServer
) -> None:
    # The zone's TTL is 60 s: a caching resolver would stop asking after the first probe
    # and go on reporting the name up after the server had begun failing.
    check = make_check(f"http://app.example.test:{target.port}/health")
    assert (await probe(resolved, check)).status is ProbeStatus.UP
    dns.zone = Zone(failing={"app.example.test"})

    result = await probe(resolved, check)

    assert result.error == "DNS lookup failed: DNS server returned general failure"


async def test_the_next_lookups_channel_is_made_after_the_timed_lookup_not_during_it(
    dns: LoopbackDNS, monkeypatch: pytest.MonkeyPatch
) -> None:
    # aiohttp times the DNS phase around resolve(): making a channel there (about
    # 0.5 ms) would be counted as the name servers' time.
    resolver = FreshLookupResolver([dns.server])
    made_in_lookup: list[bool] = []
    in_lookup = False
    real = aiohttp.AsyncResolver

    def counted(*args: Any, **kwargs: Any) -> aiohttp.AsyncResolver:
        made_in_lookup.append(in_lookup)
        return real(*args, **kwargs)

    monkeypatch.setattr(aiohttp, "AsyncResolver", counted)
    for _ in range(4):
        in_lookup = True
        await resolver.resolve("app.example.test", 80)
        in_lookup = False
        await asyncio.sleep(0.01)  # the used channel is replaced

    # Only the very first lookup, with none ready, made its channel while timed.
    assert made_in_lookup == [True, False, False, False, False]
    assert resolver.ready_channels == 1
    await resolver.close()
    assert resolver.ready_channels == 0


async def test_a_lookup_asks_for_the_address_family_it_is_given(dns: LoopbackDNS) -> None:
    resolver = FreshLookupResolver([dns.server])
    with pytest.raises(OSError, match="DNS"):  # the zone has no IPv6 address for the name
        await resolver.resolve("app.example.test", 80, socket.AF_INET6)
    await resolver.close()
    assert [qtype for _, qtype in dns.queries] == [TYPE_AAAA]


async def test_at_most_sixteen_channels_are_kept_ready_and_used_ones_are_let_go(
    dns: LoopbackDNS,
) -> None:
    resolver = FreshLookupResolver([dns.server])
    await asyncio.gather(*(resolver.resolve("app.example.test", 80) for _ in range(20)))
    for _ in range(500):  # the used channels are closed and replaced after the lookups
        if not resolver.retiring:
            break
        await asyncio.sleep(0.01)
    assert (resolver.retiring, resolver.ready_channels) == (0, MAX_READY_CHANNELS)
    await resolver.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
async def test_a_named_server_is_reached_over_ipv4_and_ipv6(host: str, target: TestServer) -> None:
    async with LoopbackDNS(Zone(addresses={"app.example.test": "127.0.0.1"}), host=host) as dns:
        resolver = dns_resolver([dns.server])
        async with make_client_session(resolver=resolver) as session:
            result = await probe(
                session, make_check(f"http://app.example.test:{target.port}/health")
            )
        assert resolver is not None
        await resolver.close()

    assert (result.status, result.error) == (ProbeStatus.UP, None)
