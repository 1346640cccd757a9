"""Probe many checks once each, concurrently and at a bounded start rate.

This is what `statuspage check` runs; the scheduler runs the same `probe()` on its own
timetable.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager

import aiohttp
from asyncio_throttle.throttler import Throttler

from probes.http import make_client_session, probe
from probes.model import CheckSpec, ProbeResult
from probes.resolver import dns_resolver

_SessionFor = Callable[[CheckSpec], aiohttp.ClientSession]


async def check_all(
    specs: Sequence[CheckSpec],
    *,
    concurrency: int,
    rate_per_s: float,
    session: aiohttp.ClientSession | None = None,
    dns_servers: Sequence[str] = (),
) -> list[ProbeResult]:
    """Probe every spec once; results are in the order of `specs`.

    At most `concurrency` probes are in flight and at most `rate_per_s` start per second.
    Without a `session`, one is made for fresh-connection checks and, if any check asks
    for `reuse_connections`, one that keeps connections alive; both are closed after.
    Their lookups go to `dns_servers` if any are named (`probes.resolver`).
    """
    if concurrency < 1 or not rate_per_s > 0:
        raise ValueError("concurrency must be at least 1 and rate_per_s above 0")
    slots = asyncio.Semaphore(concurrency)
    throttler = start_rate_throttler(rate_per_s)

    async def run(spec: CheckSpec, chosen: aiohttp.ClientSession) -> ProbeResult:
        async with slots, throttler:
            return await probe(chosen, spec)

    made = _sessions(specs, concurrency, session, dns_servers)
    async with made as session_for, asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(run(spec, session_for(spec))) for spec in specs]
    return [task.result() for task in tasks]


def start_rate_throttler(rate_per_s: float) -> Throttler:
    # Throttler counts whole starts per period: 2.5/s becomes 2 starts per 0.8 s.
    starts = max(1, math.floor(rate_per_s))
    return Throttler(rate_limit=starts, period=starts / rate_per_s)


@asynccontextmanager
async def _sessions(
    specs: Sequence[CheckSpec],
    concurrency: int,
    given: aiohttp.ClientSession | None,
    dns_servers: Sequence[str],
) -> AsyncIterator[_SessionFor]:
    if given is not None:
        yield lambda spec: given
        return
    async with AsyncExitStack() as stack:
        resolver = dns_resolver(dns_servers)
        if resolver is not None:
            stack.push_async_callback(resolver.close)  # closed after the sessions
        fresh = await stack.enter_async_context(
            make_client_session(concurrency=concurrency, resolver=resolver)
        )
        kept = fresh
        if any(spec.reuse_connections for spec in specs):
            kept = await stack.enter_async_context(
                make_client_session(concurrency=concurrency, keep_alive=True, resolver=resolver)
            )
        yield lambda spec: kept if spec.reuse_connections else fresh
