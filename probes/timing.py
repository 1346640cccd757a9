"""Where the time of one request went, measured with aiohttp's tracing hooks.

The clock is `time.perf_counter()` (monotonic). Each request carries its own
`RequestTiming` through aiohttp's `trace_request_ctx`, so concurrent probes on one
session never mix their numbers. Phases are in milliseconds, summed over redirect hops,
and None when the phase did not happen:

* dns_ms: `on_dns_resolvehost_start` → `_end`. None for an IP-literal URL, a pooled
  connection or a DNS-cache hit (only keep-alive sessions cache DNS).
* connect_ms: the TCP connect: `on_connection_create_start` → `_end`, minus the DNS and
  TLS time inside it (aiohttp resolves the host as part of creating the connection).
* tls_ms: the TLS handshake. aiohttp connects TCP and shakes hands in one
  `loop.create_connection()` call and has no hook between the two. The context built by
  `make_ssl_context()` marks the moment between them: asyncio calls
  `SSLContext.wrap_bio()` on the already-connected socket just before the handshake, so
  tls = connection created − wrap_bio. That hook has no request to hand, so it finds the
  request's timing through a ContextVar set by `RequestTiming.bound()` (aiohttp creates the
  connection in the requesting task). With any other SSL context, tls_ms is None and
  connect_ms includes the handshake.
* ttfb_ms: request start → status line and headers of the final response parsed
  (`on_request_end`, sent right after aiohttp reads them, before any of the body). It
  includes DNS, connect, TLS, redirects and the server's own time.
* total_ms: request start → body fully read.

Time spent queued for a slot in the connection pool (the connector's `limit` and
`limit_per_host`) is our own throttling, not the target's: it is left out of ttfb_ms and
total_ms, and `on_queued` lets the caller push its deadline back by the same amount.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from types import SimpleNamespace

import aiohttp

from probes.model import Phases

# Per-task, not global state: each probe task sees only the timing it set.
_current: ContextVar[RequestTiming | None] = ContextVar("probes_request_timing", default=None)


@dataclass(slots=True)
class RequestTiming:
    """What one request has seen so far; filled in by the hooks of make_trace_config()."""

    started: float = field(default_factory=time.perf_counter)
    on_queued: Callable[[float], None] | None = None  # told each pool wait, in seconds
    headers_at: float | None = None
    http_status: int | None = None  # of the final response, once its headers arrived
    finished_at: float | None = None
    queued_s: float = 0.0
    dns_s: float | None = None
    connect_s: float | None = None
    tls_s: float | None = None
    _opened: dict[str, float] = field(default_factory=dict)  # start of each open interval
    _dns_in_connect_s: float = 0.0
    _tcp_connected_at: float | None = None

    def bound(self) -> _Bound:
        """Make this the timing that the TLS hook records into, for the block's duration."""
        return _Bound(self)

    def headers_received(self, http_status: int) -> None:
        self.headers_at = time.perf_counter()
        self.http_status = http_status

    def mark_finished(self) -> None:
        self.finished_at = time.perf_counter()

    def elapsed_ms(self) -> float:
        """Time so far (or until the body was read), less any pool wait."""
        end = self.finished_at if self.finished_at is not None else time.perf_counter()
        return _ms(end - self.started - self.queued_s)

    def phases(self) -> Phases:
        ttfb = None if self.headers_at is None else self.headers_at - self.started - self.queued_s
        return Phases(
            dns_ms=_ms_or_none(self.dns_s),
            connect_ms=_ms_or_none(self.connect_s),
            tls_ms=_ms_or_none(self.tls_s),
            ttfb_ms=_ms_or_none(ttfb),
            total_ms=self.elapsed_ms() if self.finished_at is not None else None,
        )

    def _open(self, name: str) -> None:
        self._opened[name] = time.perf_counter()

    def _close(self, name: str) -> float:
        opened = self._opened.pop(name, None)
        return 0.0 if opened is None else time.perf_counter() - opened

    # The recording methods below are called by the trace hooks (and the TLS context).

    def queue_started(self) -> None:
        self._open("queue")

    def queue_ended(self) -> None:
        waited = self._close("queue")
        self.queued_s += waited
        if self.on_queued is not None:
            self.on_queued(waited)

    def connect_started(self) -> None:
        self._open("connect")
        self._dns_in_connect_s = 0.0
        self._tcp_connected_at = None

    def dns_started(self) -> None:
        self._open("dns")

    def dns_ended(self) -> None:
        spent = self._close("dns")
        self.dns_s = (self.dns_s or 0.0) + spent
        self._dns_in_connect_s += spent

    def tcp_connected(self) -> None:
        self._tcp_connected_at = time.perf_counter()

    def connect_ended(self) -> None:
        now = time.perf_counter()
        spent = self._close("connect")
        tls = None if self._tcp_connected_at is None else now - self._tcp_connected_at
        if tls is not None:
            self.tls_s = (self.tls_s or 0.0) + tls
        self.connect_s = (self.connect_s or 0.0) + spent - self._dns_in_connect_s - (tls or 0.0)


class _Bound:
    """`with timing.bound():` as a plain class: it runs once per probe, and a
    generator-based context manager costs several calls more."""

    __slots__ = ("_timing", "_token")

    def __init__(self, timing: RequestTiming) -> None:
        self._timing = timing

    def __enter__(self) -> None:
        self._token: Token[RequestTiming | None] = _current.set(self._timing)

    def __exit__(self, *exc_info: object) -> None:
        _current.reset(self._token)


def _ms(seconds: float) -> float:
    return max(seconds, 0.0) * 1000.0


def _ms_or_none(seconds: float | None) -> float | None:
    return None if seconds is None else _ms(seconds)


def make_trace_config() -> aiohttp.TraceConfig:
    """Hooks that fill in the RequestTiming passed as `trace_request_ctx`."""
    config = aiohttp.TraceConfig()
    config.on_connection_queued_start.append(_hook(RequestTiming.queue_started))
    config.on_connection_queued_end.append(_hook(RequestTiming.queue_ended))
    config.on_connection_create_start.append(_hook(RequestTiming.connect_started))
    config.on_connection_create_end.append(_hook(RequestTiming.connect_ended))
    config.on_dns_resolvehost_start.append(_hook(RequestTiming.dns_started))
    config.on_dns_resolvehost_end.append(_hook(RequestTiming.dns_ended))
    config.on_request_end.append(_on_request_end)
    config.freeze()
    return config


_Hook = Callable[[aiohttp.ClientSession, SimpleNamespace, object], Awaitable[None]]


def _hook(record: Callable[[RequestTiming], None]) -> _Hook:
    async def on_signal(
        session: aiohttp.ClientSession, ctx: SimpleNamespace, params: object
    ) -> None:
        if (timing := _timing_of(ctx)) is not None:
            record(timing)

    return on_signal


async def _on_request_end(
    session: aiohttp.ClientSession, ctx: SimpleNamespace, params: aiohttp.TraceRequestEndParams
) -> None:
    if (timing := _timing_of(ctx)) is not None:
        timing.headers_received(params.response.status)


def _timing_of(ctx: SimpleNamespace) -> RequestTiming | None:
    timing = getattr(ctx, "trace_request_ctx", None)
    return timing if isinstance(timing, RequestTiming) else None  # others are not timed


class _TimedSSLContext(ssl.SSLContext):
    def wrap_bio(
        self,
        incoming: ssl.MemoryBIO,
        outgoing: ssl.MemoryBIO,
        server_side: bool = False,
        server_hostname: str | bytes | None = None,
        session: ssl.SSLSession | None = None,
    ) -> ssl.SSLObject:
        timing = _current.get()
        if timing is not None and not server_side:
            timing.tcp_connected()
        return super().wrap_bio(incoming, outgoing, server_side, server_hostname, session)


def make_ssl_context(cafile: str | None = None) -> ssl.SSLContext:
    """A verifying client context (system CAs, or `cafile`) that lets tls_ms be measured.

    Loads certificates from disk: call it at start-up, not per request.
    """
    context = _TimedSSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies certificate and hostname
    if cafile is None:
        context.load_default_certs()
    else:
        context.load_verify_locations(cafile=cafile)
    context.set_alpn_protocols(["http/1.1"])
    return context
