"""Run one scheduled probe within the global and per-host limits, and hand it on.

The runner is the bundle of dependencies a probe job needs (client session,
limits, result sink, clock), so the scheduler, a test and a one-off command all
run probes exactly the same way.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Protocol
from urllib.parse import urlsplit

from asyncio_throttle.throttler import Throttler

from probes.clock import Clock, system_clock
from probes.errors import NOT_MEASURED
from probes.http import probe
from probes.model import CheckSpec, ProbeResult, ProbeStatus
from probes.sessions import ProbeSessions
from statuspage.service.loop_monitor import LoopMonitor
from statuspage.service.metrics import ServiceMetrics
from statuspage.settings_model import ProbeSettings
from storage.results.writer import ResultRecord

log = logging.getLogger("statuspage.probes")

# The `[probes]` keys a running ProbeRunner holds, in `retune`'s order.
_RETUNED_KEYS = (
    "probes.concurrency",
    "probes.rate_per_s",
    "probes.per_host_limit",
    "probes.region",
    "probes.confirm_down_retries",
)


class ResultSink(Protocol):
    def submit(self, record: ResultRecord) -> None: ...


def even_start_throttler(rate_per_s: float) -> Throttler:
    """asyncio-throttle admitting one start per 1/rate seconds.

    One per period spaces starts evenly; `rate_limit=rate` over one second would
    let a second's worth through at once and then none. A waiting start polls, so
    the poll interval is kept below the spacing (and never above 10 ms).
    """
    period_s = 1.0 / rate_per_s
    return Throttler(rate_limit=1, period=period_s, retry_interval=min(0.01, period_s / 2))


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
    _rate: Throttler = field(init=False)
    _hosts: dict[str, asyncio.Semaphore] = field(init=False, default_factory=dict)
    _host_of_url: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._global = asyncio.Semaphore(self.concurrency)
        # A burst of due probes waits for its start time instead of being dropped.
        self._rate = even_start_throttler(self.rate_per_s)

    def host_slot(self, url: str) -> asyncio.Semaphore | None:
        # A host cap no smaller than the global one can never be the tighter limit.
        if self.per_host <= 0 or self.per_host >= self.concurrency:
            return None
        key = self._host_of_url.get(url)
        if key is None:  # parsed once per URL: a URL is probed again and again
            parts = urlsplit(url)
            key = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
            self._host_of_url[url] = key
        if key not in self._hosts:
            self._hosts[key] = asyncio.Semaphore(self.per_host)
        return self._hosts[key]

    def slot(self, url: str) -> _Slot:
        return _Slot(self, self.host_slot(url))

    async def acquire(self, host: asyncio.Semaphore | None) -> None:
        """Take a host slot, then a global slot, then wait for a start time."""
        if host is not None:
            await host.acquire()
        try:
            await self._global.acquire()
            try:
                await self._rate.acquire()  # type: ignore[no-untyped-call]
            except BaseException:
                self._global.release()
                raise
        except BaseException:
            if host is not None:
                host.release()
            raise

    def release(self, host: asyncio.Semaphore | None) -> None:
        self._global.release()
        if host is not None:
            host.release()


class _Slot:
    """The limits for one attempt, as a plain async context manager: it runs once per
    probe, and a generator-based one cost several times as much."""

    __slots__ = ("_host", "_limits")

    def __init__(self, limits: ProbeLimits, host: asyncio.Semaphore | None) -> None:
        self._limits = limits
        self._host = host

    async def __aenter__(self) -> None:
        await self._limits.acquire(self._host)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._limits.release(self._host)


@dataclass
class ProbeRunner:
    sessions: ProbeSessions
    sink: ResultSink
    limits: ProbeLimits
    metrics: ServiceMetrics
    region: str = "default"
    confirm_down_retries: int = 1
    clock: Clock = system_clock  # stamps each result's start
    # Tells a failure the prober's own stalled loop caused from the target's.
    monitor: LoopMonitor = field(default_factory=LoopMonitor)
    # Set at shutdown: a down result is then recorded without its confirmation
    # retry, so stopping takes at most one probe timeout.
    stopping: bool = field(init=False, default=False)
    # The latest start past its due time since the membership heartbeat last read it.
    worst_lateness_s: float = field(init=False, default=0.0)

    def retune(self, probes: ProbeSettings) -> list[str]:
        """Take a reloaded `[probes]` section's process-wide keys; the names that changed.

        New limits apply to attempts that start from now on. An attempt already holding
        or waiting for a slot keeps the limits it asked (it releases to them), so for one
        probe timeout the old and new caps can both have probes in flight.
        """
        limits = self.limits
        before = (limits.concurrency, limits.rate_per_s, limits.per_host)
        after = (probes.concurrency, probes.rate_per_s, probes.per_host_limit)
        if before != after:
            self.limits = ProbeLimits(*after)
        olds = (*before, self.region, self.confirm_down_retries)
        news = (*after, probes.region, probes.confirm_down_retries)
        changed = [k for k, o, n in zip(_RETUNED_KEYS, olds, news, strict=True) if o != n]
        self.region, self.confirm_down_retries = probes.region, probes.confirm_down_retries
        return changed

    async def run(self, component_id: str, spec: CheckSpec, due_at: datetime) -> ProbeResult:
        result = await self._confirmed(spec)
        self.sink.submit(ResultRecord(component_id, self.region, due_at, result))
        self._observe(component_id, result, due_at)
        return result

    async def _confirmed(self, spec: CheckSpec) -> ProbeResult:
        """Probe; re-probe a down result at once so one lost packet opens no outage."""
        first = await self._attempt(spec)
        result = first
        for attempt in range(self.confirm_down_retries):
            if result.status is not ProbeStatus.DOWN or self.stopping:
                break
            self.metrics.probes.retried()
            again = await self._attempt(spec)
            # The result keeps the first attempt's start: that is when the run began.
            result = replace(again, attempts=attempt + 2, started_at=first.started_at)
        return result

    async def _attempt(self, spec: CheckSpec) -> ProbeResult:
        async with self.limits.slot(spec.url):
            loop = asyncio.get_running_loop()
            began = loop.time()
            result = await probe(self.sessions.for_check(spec), spec, now=self.clock)
            if result.status is ProbeStatus.UNKNOWN:  # no file descriptors, no memory
                self.metrics.unmeasured.labels("local_error").inc()
                return result
            return self._unless_stalled(result, began, loop.time())

    def _unless_stalled(self, result: ProbeResult, began: float, ended: float) -> ProbeResult:
        """A failed or slow result the prober's own loop stall could explain is not
        the target's: it is recorded as unknown."""
        if result.status is ProbeStatus.UP:
            return result
        held_s = self.monitor.stalled_during(began, ended)
        if held_s < self.monitor.stall_s:
            return result
        self.metrics.unmeasured.labels("loop_stall").inc()
        reason = f"{NOT_MEASURED}: the prober's event loop stood still for {held_s * 1000:.0f} ms"
        return replace(result, status=ProbeStatus.UNKNOWN, error=reason, within_sla=False)

    def _observe(self, component_id: str, result: ProbeResult, due_at: datetime) -> None:
        lateness_s = max(0.0, (result.started_at - due_at).total_seconds())
        self.worst_lateness_s = max(self.worst_lateness_s, lateness_s)
        self.metrics.probes.record(
            component_id, result.status.value, result.latency_ms / 1000, lateness_s
        )
        if result.status is ProbeStatus.UNKNOWN:
            log.warning(
                "probe not measured: the prober failed, not the target",
                extra={"fields": {"component": component_id, "reason": result.error}},
            )
        elif result.status is ProbeStatus.DOWN:
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
