"""A request body that does not arrive in time is answered 408, and the connection is
closed, instead of holding a handler open for as long as the client likes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pytest_aiohttp import AiohttpServer

from statuspage.app import create_app
from statuspage.service.roles import Roles
from tests.web.factories import NOW, SITE, prepare_database, settings_for

SLOW_BODY = SITE + "\n[server]\nrequest_body_timeout_s = 0.3\n"


async def raw_request(port: int, head: bytes, body: bytes) -> bytes:
    """Send `head` and part of a body, then nothing; what the server sent until it closed."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head + body)
    await writer.drain()
    try:
        async with asyncio.timeout(30):
            return await reader.read()
    finally:
        writer.close()


async def test_a_body_that_stops_arriving_is_answered_408_and_the_connection_closed(
    aiohttp_server: AiohttpServer, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, site=SLOW_BODY)
    await prepare_database(settings.database_url)
    app = create_app(settings, Roles(probes=False, jobs=False, web=True), clock=lambda: NOW)
    server = await aiohttp_server(app)
    assert server.port is not None
    head = (
        b"POST /admin/sign-in HTTP/1.1\r\nHost: status.acme.test\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
    )
    answer = await raw_request(server.port, head, b"name=alice")
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"Connection: close" in answer
