"""What a lookup costs a probe: the system's resolver against named DNS servers.

Run: .venv/bin/python bench/dns.py

Prints wall and CPU time per lookup of this process for aiohttp's default resolver
(getaddrinfo in a thread, for 'localhost'), for one long-lived c-ares channel (whose
cache answers every repeat) and for `probes.resolver.FreshLookupResolver` (a channel
per lookup, what `[probes] dns_servers` uses). The named server is the tests' DNS
server on 127.0.0.1, in this process, so its own work is counted too.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; the project's packages must be
# importable instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import asyncio
import time

import aiohttp
from aiohttp.abc import AbstractResolver

from probes.resolver import FreshLookupResolver
from tests.probes.dns_server import LoopbackDNS, Zone

LOOKUPS = 500
NAME = "app.example.test"


async def per_lookup(resolver: AbstractResolver, host: str) -> tuple[float, float]:
    """(wall µs, CPU µs) per lookup, after one warm-up lookup."""
    await resolver.resolve(host, 80)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(LOOKUPS):
        await resolver.resolve(host, 80)
    return (
        (time.perf_counter() - wall) / LOOKUPS * 1e6,
        (time.process_time() - cpu) / LOOKUPS * 1e6,
    )


async def main() -> None:
    async with LoopbackDNS(Zone(addresses={NAME: "127.0.0.1"})) as dns:
        rows = [
            ("system resolver (getaddrinfo, localhost)", aiohttp.ThreadedResolver(), "localhost"),
            (
                "one c-ares channel (cache hits)",
                aiohttp.AsyncResolver(nameservers=[dns.server]),
                NAME,
            ),
            ("a channel per lookup (dns_servers)", FreshLookupResolver([dns.server]), NAME),
        ]
        print(f"{LOOKUPS} lookups each; µs per lookup")
        print(f"  {'':44} {'wall':>8} {'CPU':>8}")
        for label, resolver, host in rows:
            wall_us, cpu_us = await per_lookup(resolver, host)
            await resolver.close()
            print(f"  {label:44} {wall_us:8.0f} {cpu_us:8.0f}")
        print(f"  queries the named server answered: {len(dns.queries)}")


if __name__ == "__main__":
    asyncio.run(main())
