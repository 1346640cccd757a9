"""Bounds on what web clients can hold, so they cannot take the page or the probes down.

A client that opens a thousand connections and sends half a request on each used
to hold a thousand file descriptors for as long as it liked: the page stopped
answering and probes failed for want of a socket. Three bounds stop that:

* aiohttp's keep-alive timer (set to `server.request_header_timeout_s`) closes a
  connection that has not delivered a complete request head that long after it
  opened or after its previous response; a byte now and then does not extend it.
* `ConnectionGuard` caps open connections at `server.max_connections`. When full, a
  new connection makes room by closing the oldest one that has not yet sent a
  complete request head (an attacker's, nearly always); if every connection is in
  the middle of a real request, the newcomer gets 503 with `Retry-After`.
* The process's open-file limit is raised to its hard limit at start-up, and the
  connection cap is kept below it by a reserve for probes, the database and logs.

The body of a request is bounded in time by a middleware (`statuspage.http.limits`).
"""

from __future__ import annotations

import asyncio
import logging
import resource
from collections.abc import Callable
from dataclasses import dataclass

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
    """Open connections, oldest first; sheds a silent one to admit a new one."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: dict[GuardedProtocol, None] = {}  # insertion order: oldest first
        self.shed = 0  # silent connections closed to make room
        self.refused = 0  # newcomers turned away because every connection was busy

    @property
    def open(self) -> int:
        return len(self._open)

    def admit(self, connection: GuardedProtocol) -> bool:
        if len(self._open) >= self.limit:
            silent = next((c for c in self._open if not c.sent_a_request), None)
            if silent is None:
                self.refused += 1
                return False
            self.shed += 1
            self._open.pop(silent)
            silent.cut_off()
        self._open[connection] = None
        return True

    def leave(self, connection: GuardedProtocol) -> None:
        self._open.pop(connection, None)


class GuardedProtocol(asyncio.Protocol):
    """aiohttp's handler for one connection, behind the guard: it sees the bytes first,
    only to notice when the first complete request head has arrived."""

    def __init__(self, inner: asyncio.Protocol, guard: ConnectionGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._transport: asyncio.Transport | None = None
        self._tail = b""  # the last bytes seen, for a head end split across reads
        self._admitted = False
        self.sent_a_request = False

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
        if not self.sent_a_request:
            seen = self._tail + data
            self.sent_a_request = _HEAD_END in seen
            self._tail = seen[-3:]
        self._inner.data_received(data)

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
