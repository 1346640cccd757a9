"""Clients that hold connections open cannot take the web server down: half-sent
requests are cut off, and a full server makes room by shedding silent connections,
then connections waiting between requests, but never one with a request in hand."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from statuspage.service.connections import (
    ConnectionGuard,
    connection_cap,
    guarded_runner,
    listen,
    request_began,
)
from tests.waiting import eventually

HEAD = b"GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
GO = web.AppKey("go", asyncio.Event)
ENTERED = web.AppKey("entered", asyncio.Event)  # a slow handler has started


def app() -> web.Application:
    application = web.Application(middlewares=[request_began])  # as create_app
    application[GO] = asyncio.Event()
    application[ENTERED] = asyncio.Event()

    async def fast(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def slow(request: web.Request) -> web.Response:
        request.app[ENTERED].set()
        await request.app[GO].wait()
        return web.Response(text="late")

    application.router.add_get("/", fast)
    application.router.add_get("/slow", slow)
    return application


@asynccontextmanager
async def server(
    guard: ConnectionGuard, header_timeout_s: float = 60
) -> AsyncIterator[tuple[int, web.Application]]:
    application = app()
    runner = guarded_runner(application, header_timeout_s)  # as the service's
    await runner.setup()
    assert runner.server is not None
    listener = await listen(runner.server, "127.0.0.1", 0, guard)
    try:
        yield listener.sockets[0].getsockname()[1], application
    finally:
        application[GO].set()
        listener.close()
        await runner.cleanup()


async def connect(
    port: int, sent: bytes = b""
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    if sent:
        writer.write(sent)
        await writer.drain()
    return reader, writer


async def closed_by_server(reader: asyncio.StreamReader, timeout_s: float = 30) -> bytes:
    """Everything the server sent before closing; fails the test if it never closes."""
    async with asyncio.timeout(timeout_s):
        return await reader.read()


async def get(port: int, path: str = "/") -> bytes:
    reader, writer = await connect(port, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    try:
        async with asyncio.timeout(30):
            return await reader.readuntil(b"\r\n\r\n")
    finally:
        writer.close()


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def ask(connection: Connection, path: str = "/") -> bytes:
    """One more request on a kept-alive connection; its whole answer."""
    reader, writer = connection
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await writer.drain()
    async with asyncio.timeout(30):
        return await reader.readuntil(b"\r\n\r\nok" if path == "/" else b"\r\n\r\nlate")


async def kept_alive(port: int) -> Connection:
    """A connection that has had one answer and now waits, as a browser's does."""
    connection = await connect(port)
    assert (await ask(connection)).startswith(b"HTTP/1.1 200")
    return connection


async def test_a_half_sent_request_is_closed_after_the_header_timeout() -> None:
    async with server(ConnectionGuard(100), header_timeout_s=0.3) as (port, _):
        reader, writer = await connect(port, HEAD)
        assert await closed_by_server(reader) == b""
        writer.close()


async def test_dripping_a_request_head_does_not_extend_the_header_timeout() -> None:
    async with server(ConnectionGuard(100), header_timeout_s=0.5) as (port, _):
        reader, writer = await connect(port, b"GET / HTTP/1.1\r\n")

        async def drip() -> None:
            while not reader.at_eof():
                writer.write(b"X-A: b\r\n")
                await asyncio.sleep(0.05)

        dripping = asyncio.create_task(drip())
        assert await closed_by_server(reader) == b""
        dripping.cancel()
        writer.close()


async def test_a_full_server_sheds_the_oldest_silent_connection_for_a_new_one() -> None:
    guard = ConnectionGuard(3)
    async with server(guard) as (port, _):
        silent = [await connect(port, HEAD) for _ in range(3)]
        await eventually(lambda: guard.open == 3, "three connections admitted")
        assert (await get(port)).startswith(b"HTTP/1.1 200")
        assert await closed_by_server(silent[0][0]) == b""  # the oldest made room
        assert (guard.shed, guard.refused) == (1, 0)
        assert not silent[1][0].at_eof()
        for _, writer in silent:
            writer.close()


async def test_when_every_connection_is_mid_request_a_newcomer_gets_503() -> None:
    guard = ConnectionGuard(1)
    async with server(guard) as (port, _):
        busy = await connect(port, HEAD + b"\r\n")  # a whole request, still being answered
        await eventually(lambda: guard.open == 1, "the busy connection admitted")
        reader, writer = await connect(port)
        answer = await closed_by_server(reader)
        assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert b"Retry-After: 5\r\n" in answer
        assert guard.refused == 1
        busy[1].close()
        writer.close()


async def test_a_full_server_closes_the_longest_idle_connection_for_a_new_one() -> None:
    guard = ConnectionGuard(3)
    async with server(guard) as (port, _):
        waiting = [await kept_alive(port) for _ in range(3)]
        await ask(waiting[0])  # the oldest connection, but no longer the longest idle
        await eventually(lambda: guard.between_requests == 3, "three idle connections")
        assert (await get(port)).startswith(b"HTTP/1.1 200")
        assert await closed_by_server(waiting[1][0]) == b""
        assert (guard.idle_closed, guard.shed, guard.refused) == (1, 0, 0)
        assert (await ask(waiting[0])).startswith(b"HTTP/1.1 200")  # the others still served
        assert (await ask(waiting[2])).startswith(b"HTTP/1.1 200")
        for _, writer in waiting:
            writer.close()


async def test_a_connection_in_the_middle_of_a_request_is_never_closed_to_make_room() -> None:
    guard = ConnectionGuard(2)
    async with server(guard) as (port, application):
        busy = await connect(port, HEAD + b"\r\n")  # the older, and its handler waits
        await application[ENTERED].wait()
        waiting = await kept_alive(port)
        assert (await get(port)).startswith(b"HTTP/1.1 200")
        assert await closed_by_server(waiting[0]) == b""
        application[GO].set()
        assert (await busy[0].readuntil(b"late")).startswith(b"HTTP/1.1 200")
        assert (guard.idle_closed, guard.refused) == (1, 0)
        busy[1].close()
        waiting[1].close()


async def test_a_pipelined_request_is_in_the_middle_of_a_request_too() -> None:
    guard = ConnectionGuard(2)
    async with server(guard) as (port, application):
        pipelined = await connect(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + HEAD + b"\r\n")
        await application[ENTERED].wait()  # its first answer is written, the second not
        waiting = await kept_alive(port)
        assert (await get(port)).startswith(b"HTTP/1.1 200")
        assert await closed_by_server(waiting[0]) == b""
        application[GO].set()
        assert b"late" in await pipelined[0].readuntil(b"late")
        pipelined[1].close()
        waiting[1].close()


async def test_silent_connections_are_shed_before_idle_ones() -> None:
    guard = ConnectionGuard(3)
    async with server(guard) as (port, _):
        waiting = await kept_alive(port)  # the oldest, and idle
        silent = [await connect(port, HEAD) for _ in range(2)]
        await eventually(lambda: guard.open == 3, "three connections admitted")
        assert (await get(port)).startswith(b"HTTP/1.1 200")
        assert await closed_by_server(silent[0][0]) == b""
        assert (guard.shed, guard.idle_closed) == (1, 0)
        assert (await ask(waiting)).startswith(b"HTTP/1.1 200")
        for _, writer in [waiting, *silent]:
            writer.close()


async def test_the_guard_forgets_connections_that_close() -> None:
    guard = ConnectionGuard(10)
    async with server(guard) as (port, _):
        assert (await get(port)).startswith(b"HTTP/1.1 200")
        await eventually(lambda: guard.open == 0, "the closed connection forgotten")


def test_the_connection_cap_leaves_file_descriptors_for_the_probes() -> None:
    assert connection_cap(512, open_files=1024, probe_concurrency=100) == 512
    assert connection_cap(2000, open_files=1024, probe_concurrency=100) == 1024 - 100 - 128
    assert connection_cap(512, open_files=100, probe_concurrency=100) == 1
