"""Probe many checks once each, concurrently and at a bounded start rate.

This is what `statuspage check` runs; the scheduler runs the same `probe()` on its own
timetable.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

import aiohttp
from asyncio_throttle.throttler import Throttler

from probes.http import probe
from probes.model import CheckSpec, ProbeResult
from probes.sessions import ProbeSessions

_SessionFor = Callable[[CheckSpec], aiohttp.ClientSession]
PER_HOST = 10  # connections to one host at once


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
    Without a `session`, a `ProbeSessions` pair is made (a session for fresh-connection
    checks, one that keeps connections alive) and closed after; its lookups go to
    `dns_servers` if any are named (`probes.resolver`).
    """
    if concurrency < 1 or not rate_per_s > 0:
        raise ValueError("concurrency must be at least 1 and rate_per_s above 0")
    slots = asyncio.Semaphore(concurrency)
    throttler = start_rate_throttler(rate_per_s)

    async def run(spec: CheckSpec, chosen: aiohttp.ClientSession) -> ProbeResult:
        async with slots, throttler:
            return await probe(chosen, spec)

    made = _sessions(concurrency, session, dns_servers)
    async with made as session_for, asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(run(spec, session_for(spec))) for spec in specs]
    return [task.result() for task in tasks]


def start_rate_throttler(rate_per_s: float) -> Throttler:
    # Throttler counts whole starts per period: 2.5/s becomes 2 starts per 0.8 s.
    starts = max(1, math.floor(rate_per_s))
    return Throttler(rate_limit=starts, period=starts / rate_per_s)


@asynccontextmanager
async def _sessions(
    concurrency: int, given: aiohttp.ClientSession | None, dns_servers: Sequence[str]
) -> AsyncIterator[_SessionFor]:
    if given is not None:
        yield lambda spec: given
        return
    sessions = ProbeSessions.open(dns_servers, concurrency=concurrency, per_host=PER_HOST)
    try:
        yield sessions.for_check
    finally:
        await sessions.close()
