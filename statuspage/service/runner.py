"""Run one scheduled probe within the global and per-host limits, and hand it on.

The runner is the bundle of dependencies a probe job needs (client session,
limits, result sink, clock), so the scheduler, a test and a one-off command all
run probes exactly the same way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

import aiohttp
from asyncio_throttle.throttler import Throttler

from probes.batch import start_rate_throttler
from probes.http import probe
from probes.model import CheckSpec, ProbeResult, ProbeStatus
from statuspage.service.metrics import ServiceMetrics
from storage.writer import ResultRecord

log = logging.getLogger("statuspage.probes")


class ResultSink(Protocol):
    def submit(self, record: ResultRecord) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ProbeLimits:
    """Global concurrency, start rate and per-host concurrency.

    Acquired per-host first: probes of a hanging host queue on their own host's
    slots and never hold a global slot while they wait.
    """

    concurrency: int
    rate_per_s: float
    per_host: int  # 0: no per-host cap
    _global: asyncio.Semaphore = field(init=False)
    _throttler: Throttler = field(init=False)
    _hosts: dict[str, asyncio.Semaphore] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._global = asyncio.Semaphore(self.concurrency)
        # A burst of due probes waits for the throttler instead of being dropped.
        self._throttler = start_rate_throttler(self.rate_per_s)

    def host_slot(self, url: str) -> AbstractAsyncContextManager[object]:
        if self.per_host <= 0:
            return nullcontext()
        parts = urlsplit(url)
        key = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
        if key not in self._hosts:
            self._hosts[key] = asyncio.Semaphore(self.per_host)
        return self._hosts[key]

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        async with self.host_slot(url), self._global, self._throttler:
            yield


@dataclass(frozen=True, slots=True)
class ProbeSessions:
    """aiohttp cannot choose per request whether to keep a connection alive, so probes
    that open a new connection each time and probes that reuse one need a session each."""

    fresh: aiohttp.ClientSession
    kept: aiohttp.ClientSession

    def for_check(self, spec: CheckSpec) -> aiohttp.ClientSession:
        return self.kept if spec.reuse_connections else self.fresh

    async def close(self) -> None:
        await self.fresh.close()
        await self.kept.close()


@dataclass
class ProbeRunner:
    sessions: ProbeSessions
    sink: ResultSink
    limits: ProbeLimits
    metrics: ServiceMetrics
    region: str = "default"
    confirm_down_retries: int = 1
    clock: Callable[[], datetime] = utc_now

    async def run(self, component_id: str, spec: CheckSpec, due_at: datetime) -> ProbeResult:
        result = await self._confirmed(spec)
        self.metrics.lateness.observe(max(0.0, (result.started_at - due_at).total_seconds()))
        self.sink.submit(ResultRecord(component_id, self.region, due_at, result))
        self._observe(component_id, result)
        return result

    async def _confirmed(self, spec: CheckSpec) -> ProbeResult:
        """Probe; re-probe a down result at once so one lost packet opens no outage."""
        first = await self._attempt(spec)
        result = first
        for attempt in range(self.confirm_down_retries):
            if result.status is not ProbeStatus.DOWN:
                break
            self.metrics.retries.inc()
            result = replace(await self._attempt(spec), attempts=attempt + 2)
        # The result keeps the first attempt's start: that is when the run began.
        return replace(result, started_at=first.started_at)

    async def _attempt(self, spec: CheckSpec) -> ProbeResult:
        async with self.limits.slot(spec.url):
            return await probe(self.sessions.for_check(spec), spec)

    def _observe(self, component_id: str, result: ProbeResult) -> None:
        self.metrics.probes.labels(component_id, result.status.value).inc()
        self.metrics.probe_latency.labels(component_id).observe(result.latency_ms / 1000)
        if result.status is ProbeStatus.DOWN:
            log.warning(
                "probe failed",
                extra={
                    "fields": {
                        "component": component_id,
                        "reason": result.error,
                        "latency_ms": round(result.latency_ms, 1),
                        "attempts": result.attempts,
                    }
                },
            )
