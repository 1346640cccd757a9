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
  new one when it needs it), else one whose request body is arriving slower than
  `MIN_BODY_BYTES_PER_S` on average since its head (an attacker's dripping a body);
  only if every connection is in the middle of a request at a fair pace does the
  newcomer get 503 with `Retry-After`.
* A response must be written to its client within `server.response_write_timeout_s`
  of its start (`response_began`, aiohttp's prepare signal), its last bytes out of
  the transport's buffer included; otherwise the connection is aborted. Without it a
  client that asks for a large answer and reads nothing stays in the middle of its
  request, never to be shed, until the kernel gives up on the socket; and one whose
  answer fitted the transport's buffer sits idle with unsent bytes, which aiohttp's
  keep-alive close would wait on for ever.
* The process's open-file limit is raised to its hard limit at start-up, and the
  connection cap is kept below it by a reserve for probes, the database and logs
  (`statuspage.service.open_files`).

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

The write deadline reads the event loop's clock, as aiohttp's keep-alive timer and
the body deadline (`asyncio.timeout`) do, not the service's injected `Clock`: that
is wall time, which a clock step (or a test's fixed clock) would move, and a
deadline is a duration that only the monotonic clock measures. A sweep at most a
second apart (`Listener`) looks at the writes begun longest ago: no timer per response.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.streams import StreamReader
from aiohttp.typedefs import Handler

log = logging.getLogger("statuspage.server")

_HEAD_END = b"\r\n\r\n"
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Retry-After: 5\r\nConnection: close\r\nContent-Length: 20\r\n\r\n"
    b"Too many connections"
)
# A request body arriving slower than this on average, once it has had
# BODY_GRACE_S, may be closed to make room (the slowest mobile uploads manage
# tens of KB a second; a body a byte at a time is an attack).
MIN_BODY_BYTES_PER_S = 1000
BODY_GRACE_S = 1.0


class ConnectionGuard:
    """Open connections; sheds a silent one, else the longest idle one, else one
    dripping its request body, to admit a new one. Other connections in the middle
    of a request are never shed, but one whose response is not written within
    `write_timeout_s` is aborted."""

    def __init__(self, limit: int, write_timeout_s: float = 30) -> None:
        self.limit = limit
        self.write_timeout_s = write_timeout_s
        self._open: set[GuardedProtocol] = set()
        # The two kinds that may be shed, each oldest first. OrderedDict, not dict:
        # popping a dict's first key again and again walks over the holes left by
        # the previous pops.
        self._silent: OrderedDict[GuardedProtocol, None] = OrderedDict()  # by opening
        self._idle: OrderedDict[GuardedProtocol, None] = OrderedDict()  # by idle since
        self.shed = 0  # silent connections closed to make room
        self.idle_closed = 0  # connections waiting between requests closed to make room
        self.refused = 0  # newcomers turned away because every connection was busy
        # Requests whose body was still arriving when the app began on them, by then.
        self._receiving: OrderedDict[GuardedProtocol, None] = OrderedDict()
        self.slow_bodies_closed = 0  # requests whose body dripped, closed to make room
        # Connections with a response being written or bytes of one still unsent, by
        # when the oldest such response began (loop time), oldest first.
        self._writing: OrderedDict[GuardedProtocol, float] = OrderedDict()
        self._responding: set[GuardedProtocol] = set()  # begun and not yet finished
        self.write_timeouts = 0  # connections aborted because a write ran out of time

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
        elif (dripping := self._dripping()) is not None:
            victim = dripping
            self.slow_bodies_closed += 1
        else:
            return False
        self.leave(victim)
        victim.cut_off()
        return True

    def busy(self, connection: GuardedProtocol) -> None:
        """`connection` has a request in hand: it may not be shed until `idle`."""
        self._silent.pop(connection, None)
        self._idle.pop(connection, None)

    def receiving(self, connection: GuardedProtocol) -> None:
        """`connection`'s request is in hand, and its body still arriving."""
        if connection in self._open:
            self._receiving[connection] = None

    def _dripping(self) -> GuardedProtocol | None:
        """The oldest request whose body is arriving too slowly; forgets the ones
        whose bodies have arrived."""
        now = asyncio.get_running_loop().time()
        for connection in list(self._receiving):
            if not connection.receiving_body():
                del self._receiving[connection]
            elif connection.body_too_slow(now):
                return connection
        return None

    def writing(self, connection: GuardedProtocol, now: float) -> None:
        """`connection` begins writing a response at `now` (loop time)."""
        if connection not in self._open:
            return
        self._responding.add(connection)
        # Bytes of an earlier response still unsent: its deadline holds for both.
        if connection not in self._writing or not connection.unsent():
            self._writing[connection] = now
            self._writing.move_to_end(connection)

    def idle(self, connection: GuardedProtocol) -> None:
        """`connection` has finished a response and waits for its next request."""
        if connection in self._open:  # not one already shed or closed
            self._idle[connection] = None
            self._idle.move_to_end(connection)
            self._responding.discard(connection)
            if not connection.unsent():  # else the sweep watches the rest go out
                self._writing.pop(connection, None)

    def leave(self, connection: GuardedProtocol) -> None:
        self._open.discard(connection)
        self._silent.pop(connection, None)
        self._idle.pop(connection, None)
        self._writing.pop(connection, None)
        self._responding.discard(connection)
        self._receiving.pop(connection, None)

    def abort_late_writes(self, now: float) -> None:
        """Abort each connection whose response began `write_timeout_s` before `now`
        (loop time) and is still being written or has bytes in the transport's buffer."""
        late = []
        for connection, began in self._writing.items():
            if now - began < self.write_timeout_s:
                break  # the rest began later
            late.append(connection)
        for connection in late:
            unsent = connection.unsent()
            if connection in self._responding or unsent:
                self.write_timeouts += 1
                log.info(
                    "response not written in time, connection aborted",
                    extra={"fields": {"unsent_bytes": unsent, "timeout_s": self.write_timeout_s}},
                )
                connection.cut_off()
                self.leave(connection)
            else:  # its last bytes went out since the response finished
                del self._writing[connection]


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
        self._body: StreamReader | None = None  # a request body still arriving
        # Counting since a head end seen here (None: not counting): when (loop time),
        # and the bytes received since, the body's and any that follow it.
        self._body_since: float | None = None
        self._body_bytes = 0

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
                self._count_body_from(len(seen) - seen.index(_HEAD_END) - len(_HEAD_END))
        else:
            self._body_bytes += len(data)
        self._inner.data_received(data)

    def _count_body_from(self, received: int) -> None:
        self._body_since = asyncio.get_running_loop().time()
        self._body_bytes = received

    def request_began(self) -> None:
        self._awaiting_head = False
        self._guard.busy(self)

    def response_began(self) -> None:
        self._guard.writing(self, asyncio.get_running_loop().time())

    def unsent(self) -> int:
        """Bytes written to the transport that the kernel has not taken yet."""
        return self._transport.get_write_buffer_size() if self._transport is not None else 0

    def body_began(self, body: StreamReader) -> None:
        """The request in hand has a body that is still arriving."""
        self._body = body
        if self._body_since is None:  # a pipelined request: its head was not seen here
            self._count_body_from(0)
        self._guard.receiving(self)

    def receiving_body(self) -> bool:
        return self._body is not None and not self._body.is_eof()

    def body_too_slow(self, now: float) -> bool:
        """Whether the body has arrived slower than MIN_BODY_BYTES_PER_S on average,
        judged only after BODY_GRACE_S (a body's first bytes may take a moment)."""
        if self._body_since is None:
            return False
        elapsed = now - self._body_since
        return elapsed >= BODY_GRACE_S and self._body_bytes < MIN_BODY_BYTES_PER_S * elapsed

    def response_finished(self, body_read: bool) -> None:
        self._body = None
        self._body_since = None
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
        if request.body_exists and not request.content.is_eof():
            connection.body_began(request.content)
    return await handler(request)


async def response_began(request: web.Request, response: web.StreamResponse) -> None:
    """For `app.on_response_prepare`: the response's write deadline starts now, when
    its head is about to be written, not while the handler is still working."""
    if (connection := _guarded(request)) is not None:
        connection.response_began()


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


class Listener:
    """A listening socket whose connections `guard` holds, and the sweep that aborts
    the ones whose responses are late."""

    def __init__(self, server: asyncio.Server, guard: ConnectionGuard) -> None:
        self.server = server
        self._guard = guard
        self._sweeper = asyncio.create_task(self._sweep())

    @property
    def port(self) -> int:
        return int(self.server.sockets[0].getsockname()[1])

    async def _sweep(self) -> None:
        loop = asyncio.get_running_loop()
        # Often enough that a deadline is kept to within a quarter of itself.
        every_s = min(1.0, self._guard.write_timeout_s / 4)
        while True:
            await asyncio.sleep(every_s)
            self._guard.abort_late_writes(loop.time())

    async def close(self) -> None:
        self.server.close()
        self._sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._sweeper


async def listen(
    handler_factory: Callable[[], asyncio.Protocol],
    host: str,
    port: int,
    guard: ConnectionGuard,
) -> Listener:
    """Listen on `host:port`, each connection's handler wrapped by `guard`."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: GuardedProtocol(handler_factory(), guard), host, port, reuse_address=True
    )
    return Listener(server, guard)
