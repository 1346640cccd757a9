"""A TCP proxy on 127.0.0.1 in front of a real server, to stage network faults.

- `Mode.FORWARD`: bytes pass both ways.
- `Mode.BLACKHOLE`: connections are accepted and whatever is sent is read and
  never answered, as from a hung server or a network that drops packets.
  Connections open at the switch freeze too and stay frozen afterwards: their
  bytes never arrive, as after a partition, and their clients must give up.
- `Mode.REFUSE`: nothing listens (connection refused) and open connections are
  reset, as when the server is down.
"""

from __future__ import annotations

import asyncio
import contextlib
from enum import StrEnum


class Mode(StrEnum):
    FORWARD = "forward"
    BLACKHOLE = "blackhole"
    REFUSE = "refuse"


class _Link:
    """One client connection and, while forwarding, its upstream connection."""

    def __init__(self, client: asyncio.StreamWriter) -> None:
        self.client = client
        self.upstream: asyncio.StreamWriter | None = None
        self.frozen = False

    def reset(self) -> None:
        for writer in (self.client, self.upstream):
            if writer is not None:
                writer.transport.abort()


class FaultProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self._upstream = (upstream_host, upstream_port)
        self.mode = Mode.FORWARD
        self.port = 0
        self.accepted = 0  # connections accepted in any mode
        self._server: asyncio.Server | None = None
        self._links: set[_Link] = set()
        self._handlers: set[asyncio.Task[None]] = set()

    async def start(self) -> FaultProxy:
        await self._listen()
        return self

    async def switch(self, mode: Mode) -> None:
        previous, self.mode = self.mode, mode
        if mode is not Mode.FORWARD:
            for link in self._links:
                link.frozen = True
        if mode is Mode.REFUSE:
            await self._stop_listening()
            for link in list(self._links):
                link.reset()
        elif previous is Mode.REFUSE:
            await self._listen()

    async def close(self) -> None:
        await self._stop_listening()
        for link in list(self._links):
            link.reset()
        if self._handlers:
            await asyncio.wait(self._handlers, timeout=5)

    async def _listen(self) -> None:
        # The same port again after REFUSE, so clients keep their URL.
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop_listening(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        link = _Link(writer)
        self._links.add(link)
        try:
            if self.mode is Mode.FORWARD:
                await self._forward(link, reader)
            else:
                link.frozen = True
                await self._pipe(reader, None, link)
        finally:
            self._links.discard(link)
            link.reset()
            self._handlers.discard(task)

    async def _forward(self, link: _Link, reader: asyncio.StreamReader) -> None:
        try:
            upstream_reader, link.upstream = await asyncio.open_connection(*self._upstream)
        except OSError:
            return
        pipes = [
            asyncio.ensure_future(self._pipe(reader, link.upstream, link)),
            asyncio.ensure_future(self._pipe(upstream_reader, link.client, link)),
        ]
        # A frozen link keeps reading (and dropping) until its client gives up.
        await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        link.reset()
        await asyncio.wait(pipes)

    @staticmethod
    async def _pipe(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None, link: _Link
    ) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                if link.frozen or writer is None:
                    continue
                writer.write(data)
                await writer.drain()
