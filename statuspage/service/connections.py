"""Bounds on what web clients can hold, so they cannot take the page or the probes down.

A client that opens a thousand connections and sends half a request on each used
to hold a thousand file descriptors for as long as it liked: the page stopped
answering and probes failed for want of a socket. Three bounds stop that:

* aiohttp's keep-alive timer (set to `server.request_header_timeout_s`) closes a
  connection that has not delivered a complete request head that long after it
  opened or after its previous response; a byte now and then does not extend it.
* `ConnectionGuard` caps open connections at `server.max_connections`. When full, a
  new connection makes room by closing the oldest one that has not yet sent a
  complete request head (an attacker's, nearly always), else the one that has
  waited longest between requests (a kept-alive connection: its client opens a
  new one when it needs it); only if every connection is in the middle of a
  request does the newcomer get 503 with `Retry-After`.
* The process's open-file limit is raised to its hard limit at start-up, and the
  connection cap is kept below it by a reserve for probes, the database and logs.

A connection is "in the middle of a request" from the end of its request head to
the end of its response. The guard sees the head end in the bytes; the
`request_began` middleware marks the start of each request aiohttp hands to the
app (a pipelined one, too) and `ResponsesFinished`, given to the runner as its
access logger, marks each response's end: it is the one hook aiohttp calls once
the response is fully written, whichever way the handler ended. Without that
logger a connection stays busy after its first request and can never be closed;
without the middleware a pipelined request would run as if its connection were idle.
Between a response's end and aiohttp starting on an already-pipelined request, the
connection counts as idle: the one moment a request in hand can be closed.

The body of a request is bounded in time by a middleware (`statuspage.http.limits`).
"""

from __future__ import annotations

import asyncio
import logging
import resource
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.typedefs import Handler

log = logging.getLogger("statuspage.server")

_HEAD_END = b"\r\n\r\n"
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Retry-After: 5\r\nConnection: close\r\nContent-Length: 20\r\n\r\n"
    b"Too many connections"
)
# File descriptors kept back from web connections: the database pool, log files,
# the DNS resolver and the process's own, on top of one per probe in flight.
BASE_RESERVE = 128


class ConnectionGuard:
    """Open connections; sheds a silent one, else the longest idle one, to admit a
    new one. Connections in the middle of a request are never shed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: set[GuardedProtocol] = set()
        # The two kinds that may be shed, each oldest first. OrderedDict, not dict:
        # popping a dict's first key again and again walks over the holes left by
        # the previous pops.
        self._silent: OrderedDict[GuardedProtocol, None] = OrderedDict()  # by opening
        self._idle: OrderedDict[GuardedProtocol, None] = OrderedDict()  # by idle since
        self.shed = 0  # silent connections closed to make room
        self.idle_closed = 0  # connections waiting between requests closed to make room
        self.refused = 0  # newcomers turned away because every connection was busy

    @property
    def open(self) -> int:
        return len(self._open)

    @property
    def between_requests(self) -> int:
        """Open connections that have finished a response and wait for another."""
        return len(self._idle)

    def admit(self, connection: GuardedProtocol) -> bool:
        if len(self._open) >= self.limit and not self._make_room():
            self.refused += 1
            return False
        self._open.add(connection)
        self._silent[connection] = None
        return True

    def _make_room(self) -> bool:
        if self._silent:
            victim, _ = self._silent.popitem(last=False)
            self.shed += 1
        elif self._idle:
            victim, _ = self._idle.popitem(last=False)
            self.idle_closed += 1
        else:
            return False
        self._open.discard(victim)
        victim.cut_off()
        return True

    def busy(self, connection: GuardedProtocol) -> None:
        """`connection` has a request in hand: it may not be shed until `idle`."""
        self._silent.pop(connection, None)
        self._idle.pop(connection, None)

    def idle(self, connection: GuardedProtocol) -> None:
        """`connection` has finished a response and waits for its next request."""
        if connection in self._open:  # not one already shed or closed
            self._idle[connection] = None
            self._idle.move_to_end(connection)

    def leave(self, connection: GuardedProtocol) -> None:
        self._open.discard(connection)
        self._silent.pop(connection, None)
        self._idle.pop(connection, None)


class GuardedProtocol(asyncio.Protocol):
    """aiohttp's handler for one connection, behind the guard: it sees the bytes first,
    only to notice when a complete request head has arrived on a connection that
    had none in hand (a new one, or one between requests)."""

    def __init__(self, inner: asyncio.Protocol, guard: ConnectionGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._transport: asyncio.Transport | None = None
        self._tail = b""  # the last bytes seen, for a head end split across reads
        self._admitted = False
        # Looking for a head end: only while no request is in hand, since a body
        # may hold the same four bytes.
        self._awaiting_head = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        if not self._guard.admit(self):
            transport.write(_BUSY)
            transport.close()
            return
        self._admitted = True
        self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if not self._admitted:
            return
        if self._awaiting_head:
            seen = self._tail + data
            self._tail = seen[-3:]
            if _HEAD_END in seen:
                # Busy now, not when the app starts on it a loop turn later: a
                # newcomer in between must not shed a request that has arrived.
                self.request_began()
        self._inner.data_received(data)

    def request_began(self) -> None:
        self._awaiting_head = False
        self._guard.busy(self)

    def response_finished(self, body_read: bool) -> None:
        # A body left unread is still arriving, and aiohttp discards it or closes
        # the connection; its bytes are no request head, so no looking in them.
        self._awaiting_head = body_read
        self._tail = b""
        self._guard.idle(self)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._admitted else None

    def connection_lost(self, exc: Exception | None) -> None:
        self._guard.leave(self)
        if self._admitted:
            self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()

    def cut_off(self) -> None:
        if self._transport is not None:
            self._transport.abort()  # frees the descriptor now; no lingering close


def _guarded(request: web.BaseRequest) -> GuardedProtocol | None:
    # The transport feeds the protocol `listen` made for it; None once closed.
    transport = request.transport
    protocol = transport.get_protocol() if transport is not None else None
    return protocol if isinstance(protocol, GuardedProtocol) else None


@web.middleware
async def request_began(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Marks the connection busy for each request, pipelined ones included (their
    heads arrived while the one before was in hand, unseen by the guard)."""
    if (connection := _guarded(request)) is not None:
        connection.request_began()
    return await handler(request)


class ResponsesFinished(AbstractAccessLogger):
    """Marks the connection idle when a response is fully written. An access logger
    because aiohttp calls that, and only that, after every response ends; it logs
    nothing."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        if (connection := _guarded(request)) is not None:
            connection.response_finished(body_read=request.content.is_eof())


def guarded_runner(app: web.Application, header_timeout_s: float) -> web.AppRunner:
    """A runner for `app` (whose first middleware is `request_began`) to serve with
    `listen`: its connections report their responses' ends to the guard."""
    return web.AppRunner(
        app,
        handle_signals=False,
        access_log=log,  # aiohttp calls the access logger only if it has a logger
        access_log_class=ResponsesFinished,
        keepalive_timeout=header_timeout_s,
    )


async def listen(
    handler_factory: Callable[[], asyncio.Protocol],
    host: str,
    port: int,
    guard: ConnectionGuard,
) -> asyncio.Server:
    """Listen on `host:port`, each connection's handler wrapped by `guard`."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: GuardedProtocol(handler_factory(), guard), host, port, reuse_address=True
    )


@dataclass(frozen=True, slots=True)
class FileLimit:
    before: int
    after: int
    hard: int


def raise_open_file_limit() -> FileLimit:
    """Raise the soft open-file limit to the hard one (a process may always do that)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):  # e.g. a kernel cap below the hard limit
            wanted = soft
    return FileLimit(before=soft, after=max(soft, wanted), hard=hard)


def connection_cap(configured: int, open_files: int, probe_concurrency: int) -> int:
    """`configured`, lowered if need be so the probes' reserve of descriptors stays free."""
    available = open_files - probe_concurrency - BASE_RESERVE
    return max(1, min(configured, available))
