"""Clients that hold connections open cannot take the web server down: half-sent
requests are cut off, a full server makes room by shedding silent connections,
then connections waiting between requests, but never one with a request in hand,
and a response its client does not read is aborted after the write timeout."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

from statuspage.service.connections import (
    ConnectionGuard,
    guarded_runner,
    listen,
    request_began,
    response_began,
)
from statuspage.service.open_files import connection_cap
from tests.waiting import eventually

HEAD = b"GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
GO = web.AppKey("go", asyncio.Event)
ENTERED = web.AppKey("entered", asyncio.Event)  # a slow handler has started
# Far more than the kernel's buffers on both sides hold (tcp_wmem's largest is 4 MiB).
LARGE = 32 * 1024 * 1024
CHUNK = b"x" * 65536


def app() -> web.Application:
    application = web.Application(middlewares=[request_began])  # as create_app
    application.on_response_prepare.append(response_began)
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
    application.router.add_get("/streamed", streamed)
    application.router.add_post("/slow", slow_post)
    application.router.add_get("/buffered", buffered)
    return application


async def slow_post(request: web.Request) -> web.Response:
    """Reads the body, then waits as /slow does."""
    await request.read()
    request.app[ENTERED].set()
    await request.app[GO].wait()
    return web.Response(text="late")


async def streamed(request: web.Request) -> web.StreamResponse:
    """A large answer written piece by piece, as a handler that waits on each write."""
    response = web.StreamResponse(headers={"Content-Length": str(LARGE)})
    await response.prepare(request)
    for _ in range(LARGE // len(CHUNK)):
        await response.write(CHUNK)
    return response


async def buffered(request: web.Request) -> web.Response:
    """A large answer the transport takes whole: the handler is done, and the response
    ends with bytes the client has not taken still in the transport's buffer (as
    any answer's last few KiB can be; here all but what the kernel holds)."""
    assert request.transport is not None
    request.transport.set_write_buffer_limits(high=2 * LARGE)
    return web.Response(body=b"x" * LARGE)


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
        yield listener.port, application
    finally:
        application[GO].set()
        await listener.close()
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


async def not_reading(port: int, path: str) -> socket.socket:
    """A client that asks for `path` and reads nothing, with a small receive buffer."""
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window
    client.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(client, ("127.0.0.1", port))
    await loop.sock_sendall(client, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return client


async def received_before_cut_off(client: socket.socket) -> int:
    """How much of the answer arrived before the server ended the connection."""
    loop = asyncio.get_running_loop()
    received = 0
    async with asyncio.timeout(30):
        try:
            while chunk := await loop.sock_recv(client, 65536):
                received += len(chunk)
        except ConnectionResetError:
            pass
    client.close()
    return received


async def test_a_handler_blocked_writing_to_a_client_that_reads_nothing_is_cut_off() -> None:
    guard = ConnectionGuard(10, write_timeout_s=0.5)
    async with server(guard) as (port, _):
        client = await not_reading(port, "/streamed")
        await eventually(lambda: guard.write_timeouts == 1, "the late write aborted")
        assert await received_before_cut_off(client) < LARGE
        assert (await get(port)).startswith(b"HTTP/1.1 200")
        assert guard.write_timeouts == 1


async def test_an_answer_left_unsent_in_the_buffer_is_cut_off_though_its_handler_ended() -> None:
    guard = ConnectionGuard(10, write_timeout_s=0.5)
    async with server(guard) as (port, _):
        client = await not_reading(port, "/buffered")
        await eventually(lambda: guard.between_requests == 1, "the response finished")
        await eventually(lambda: guard.write_timeouts == 1, "the unsent answer aborted")
        assert await received_before_cut_off(client) < LARGE
        assert guard.open == 0


async def test_clients_that_read_nothing_no_longer_lock_out_a_newcomer() -> None:
    guard = ConnectionGuard(2, write_timeout_s=0.5)
    async with server(guard) as (port, _):
        clients = [await not_reading(port, "/streamed") for _ in range(2)]
        await eventually(lambda: guard.write_timeouts == 2, "both late writes aborted")
        assert (await get(port)).startswith(b"HTTP/1.1 200")
        assert guard.refused == 0
        for client in clients:
            client.close()


async def test_the_write_deadline_starts_when_the_answer_does_not_when_the_request_did() -> None:
    guard = ConnectionGuard(10, write_timeout_s=0.5)
    async with server(guard) as (port, application):
        busy = await connect(port, HEAD + b"\r\n")  # its handler waits, writing nothing
        await application[ENTERED].wait()
        client = await not_reading(port, "/streamed")
        await eventually(lambda: guard.write_timeouts == 1, "a later request's write aborted")
        application[GO].set()
        assert (await busy[0].readuntil(b"late")).startswith(b"HTTP/1.1 200")
        assert guard.write_timeouts == 1
        client.close()
        busy[1].close()


async def test_a_kept_alive_connection_whose_answer_went_out_is_not_cut_off() -> None:
    guard = ConnectionGuard(10, write_timeout_s=0.5)
    async with server(guard) as (port, _):
        waiting = await kept_alive(port)
        client = await not_reading(port, "/streamed")
        await eventually(lambda: guard.write_timeouts == 1, "a later write's deadline passed")
        assert (await ask(waiting)).startswith(b"HTTP/1.1 200")
        assert guard.write_timeouts == 1
        client.close()
        waiting[1].close()


async def served_now(port: int) -> bool:
    return (await get(port)).startswith(b"HTTP/1.1 200")


async def test_a_full_server_closes_a_request_whose_body_drips_for_a_new_one() -> None:
    guard = ConnectionGuard(2)
    async with server(guard) as (port, application):
        body = b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n"
        whole = await connect(port, body + b"ab")
        await whole[1].drain()
        whole[1].write(b"cd")  # its body complete, in a packet of its own
        await application[ENTERED].wait()  # its handler has it, and waits
        dripping = await connect(port, body.replace(b": 4", b": 100000") + b"a")
        await eventually(lambda: served_now(port), "a newcomer served")
        assert await closed_by_server(dripping[0]) == b""
        assert guard.slow_bodies_closed == 1
        application[GO].set()
        assert (await whole[0].readuntil(b"late")).startswith(b"HTTP/1.1 200")
        whole[1].close()
        dripping[1].close()
