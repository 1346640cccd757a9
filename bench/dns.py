"""What a lookup costs a probe: the system's resolver against named DNS servers.

Run: .venv/bin/python bench/dns.py

For each way of looking a name up, prints the median *timed span* of a lookup (the
awaited `resolve()` call, which is what aiohttp's DNS trace and so a probe's dns_ms
cover) and the CPU time of this process per lookup, everything included:

* aiohttp's default resolver (getaddrinfo in a thread, for 'localhost');
* one long-lived c-ares channel, whose cache answers every repeat;
* a new channel made inside each lookup;
* `probes.resolver.FreshLookupResolver` (what `[probes] dns_servers` uses): a new
  channel for each lookup, made ahead, after the previous lookup.

The named server is the tests' DNS server on 127.0.0.1, in this process, so its own
work is in the CPU column too. Lookups are spaced by two passes of the event loop, as
probes' lookups are by other work.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; the project's packages must be
# importable instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import asyncio
import socket
import statistics
import time

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from probes.resolver import FreshLookupResolver
from tests.probes.dns_server import LoopbackDNS, Zone

LOOKUPS = 500
NAME = "app.example.test"


class ChannelInsideLookup(AbstractResolver):
    """A new channel made and closed inside each lookup, for comparison."""

    def __init__(self, nameservers: list[str]) -> None:
        self._nameservers = nameservers

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        channel = aiohttp.AsyncResolver(nameservers=self._nameservers)
        try:
            return await channel.resolve(host, port, family)
        finally:
            await channel.close()

    async def close(self) -> None:
        """Each lookup closed its own."""


async def per_lookup(resolver: AbstractResolver, host: str) -> tuple[float, float]:
    """(median timed span, CPU) per lookup in µs, after one warm-up lookup."""
    await resolver.resolve(host, 80)
    spans = []
    cpu = time.process_time()
    for _ in range(LOOKUPS):
        started = time.perf_counter()
        await resolver.resolve(host, 80)
        spans.append(time.perf_counter() - started)
        for _ in range(2):
            await asyncio.sleep(0)
    return statistics.median(spans) * 1e6, (time.process_time() - cpu) / LOOKUPS * 1e6


async def main() -> None:
    async with LoopbackDNS(Zone(addresses={NAME: "127.0.0.1"})) as dns:
        named = [dns.server]
        rows: list[tuple[str, AbstractResolver, str]] = [
            ("system resolver (getaddrinfo, localhost)", aiohttp.ThreadedResolver(), "localhost"),
            ("one c-ares channel (cache hits)", aiohttp.AsyncResolver(nameservers=named), NAME),
            ("a channel made inside each lookup", ChannelInsideLookup(named), NAME),
            ("FreshLookupResolver (dns_servers)", FreshLookupResolver(named), NAME),
        ]
        print(f"{LOOKUPS} lookups each; µs per lookup")
        print(f"  {'':44} {'timed span':>10} {'CPU':>8}")
        for label, resolver, host in rows:
            span_us, cpu_us = await per_lookup(resolver, host)
            await resolver.close()
            print(f"  {label:44} {span_us:10.0f} {cpu_us:8.0f}")
        print(f"  queries the named server answered: {len(dns.queries)}")


if __name__ == "__main__":
    asyncio.run(main())
