"""Target servers on 127.0.0.1 that answer well, slowly, wrongly, or not at all."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from probes.model import CheckSpec

HEALTHY = {"status": "healthy", "database": {"status": "connected"}, "memory": {"percent": 42.0}}
HUGE_BODY_BYTES = 5 * 1024 * 1024


def make_check(url: object, **overrides: Any) -> CheckSpec:
    """A check with test-friendly limits; `overrides` are CheckSpec fields.

    The timeout leaves room for one lost SYN, which Linux resends after a second:
    with a 1 s limit, a phase test to `localhost` once failed in CI with its
    connect phase at 1,000 ms, on a loopback busy with the suite's connections.
    Tests of timeouts set their own, shorter, limit.
    """
    fields: dict[str, Any] = {"name": "target", "url": str(url), "sla_ms": 2000.0, "timeout_s": 5.0}
    return CheckSpec(**(fields | overrides))


def target_app() -> web.Application:
    """One app with a route per behaviour a health endpoint can show."""
    app = web.Application()
    app.router.add_get("/health", _json_route(HEALTHY))
    app.router.add_get("/slow/{ms}", _slow)
    app.router.add_get("/status/{code}", _status)
    app.router.add_get("/bad-json", _bad_json)
    app.router.add_get("/text", _text)
    app.router.add_get("/deep-json", _deep_json)
    app.router.add_get("/loop", _redirect_to("/loop"))
    app.router.add_get("/hops/{n}", _hops)
    app.router.add_get("/huge", _huge)
    app.router.add_get("/huge-chunked", _huge_chunked)
    app.router.add_route("*", "/echo", _echo)
    app.router.add_get("/json", _json_from_query)
    return app


def _json_route(payload: object) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(payload)

    return handler


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(int(request.match_info["ms"]) / 1000)
    return web.json_response(HEALTHY)


async def _status(request: web.Request) -> web.Response:
    code = int(request.match_info["code"])
    return web.json_response({"status": "unhealthy", "database": "disconnected"}, status=code)


async def _bad_json(request: web.Request) -> web.Response:
    return web.Response(text='{"status": "healthy",', content_type="application/json")


async def _text(request: web.Request) -> web.Response:
    return web.Response(text="all good: healthy")


async def _deep_json(request: web.Request) -> web.Response:
    return web.Response(text="[" * 100_000 + "]" * 100_000, content_type="application/json")


def _redirect_to(location: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        raise web.HTTPFound(location)

    return handler


async def _hops(request: web.Request) -> web.Response:
    left = int(request.match_info["n"])
    if left == 0:
        return web.json_response(HEALTHY)
    raise web.HTTPFound(f"/hops/{left - 1}")


async def _huge(request: web.Request) -> web.Response:
    return web.Response(body=b"x" * HUGE_BODY_BYTES)


async def _huge_chunked(request: web.Request) -> web.StreamResponse:
    # No Content-Length: the probe can only find out by reading.
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    for _ in range(HUGE_BODY_BYTES // 65536):
        await response.write(b"x" * 65536)
    await response.write_eof()
    return response


async def _echo(request: web.Request) -> web.Response:
    return web.json_response(
        {
            "method": request.method,
            "headers": dict(request.headers),
            "body": await request.text(),
        }
    )


async def _json_from_query(request: web.Request) -> web.Response:
    return web.Response(text=request.query["body"], content_type="application/json")


# --- raw TCP servers for what aiohttp.web will not do -----------------------------------

ConnectionHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class RawServer:
    """A TCP server on 127.0.0.1 running `handler` for each connection.

    On exit it cancels every handler still running and closes every connection, so a
    server that hangs forever does not outlive its test.
    """

    def __init__(self, handler: ConnectionHandler) -> None:
        self._handler = handler
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self.connections = 0

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/health"

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        try:
            await reader.readuntil(b"\r\n\r\n")
            await self._handler(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client went away: that is the client's business
        except asyncio.CancelledError:
            pass  # only __aexit__ cancels; re-raising would make asyncio log it as an error
        finally:
            writer.close()


async def hang_forever(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.Event().wait()


def drip(*, interval_s: float, headers_first: bool) -> ConnectionHandler:
    """Send a response one byte at a time: its body, or the whole of it, status line too."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        body = json.dumps(HEALTHY).encode() * 50
        head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
        if headers_first:
            writer.write(head)
            head = b""
        for byte in head + body:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(interval_s)

    return handler


async def reset_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def answer_then_keep_open(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer every request on the connection, as a keep-alive server does."""
    body = json.dumps(HEALTHY).encode()
    while True:
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")


def cut_short(*, reset: bool) -> ConnectionHandler:
    """Promise a 1000-byte body, send 10 bytes, then close (FIN) or reset (RST)."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10)
        await writer.drain()
        await asyncio.sleep(0.05)  # let the headers arrive on their own
        if reset:
            await reset_connection(reader, writer)

    return handler
