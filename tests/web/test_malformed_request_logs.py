"""A request the server cannot parse is the client's fault: it is answered 400 and
logged once at INFO without a traceback, so no anonymous client can fill the log
with errors. Real server errors still log at ERROR with their traceback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from statuspage.service.logs import (
    MalformedRequestFilter,
    configure_logging,
    quiet_malformed_requests,
)
from tests.app_client import Client

MALFORMED = {
    "duplicate Host": b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "missing Host": b"GET / HTTP/1.1\r\n\r\n",
    "NUL in the path": b"GET /\x00 HTTP/1.1\r\nHost: a\r\n\r\n",
    "oversized header": b"GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",
    "oversized URL": b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: a\r\n\r\n",
    "bad query character": b"GET /?a=\x7f HTTP/1.1\r\nHost: a\r\n\r\n",
}
SERVER = logging.getLogger("aiohttp.server")


@pytest.fixture
def quiet() -> Iterator[None]:
    quiet_malformed_requests()
    yield
    for installed in [f for f in SERVER.filters if isinstance(f, MalformedRequestFilter)]:
        SERVER.removeFilter(installed)


async def send_raw(client: Client, request: bytes) -> bytes:
    assert client.server.port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", client.server.port)
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    return status_line


@pytest.mark.usefixtures("quiet")
@pytest.mark.parametrize("request_bytes", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_request_is_logged_once_at_info_without_a_traceback(
    client: Client, caplog: pytest.LogCaptureFixture, request_bytes: bytes
) -> None:
    caplog.set_level(logging.DEBUG, logger="aiohttp.server")
    assert b" 400 " in await send_raw(client, request_bytes)
    [record] = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert (record.levelno, record.exc_info) == (logging.INFO, None)
    assert "malformed request, answered 400" in record.getMessage()


@pytest.mark.usefixtures("quiet")
def test_a_server_error_still_logs_at_error_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    try:
        raise RuntimeError("broken")
    except RuntimeError:
        SERVER.exception("Error handling request from %s", "127.0.0.1")
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("apscheduler", "aiohttp.access")}
    yield
    root.handlers[:], root.level = handlers, level
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)
    for installed in [f for f in SERVER.filters if isinstance(f, MalformedRequestFilter)]:
        SERVER.removeFilter(installed)


@pytest.mark.usefixtures("restored_logging")
async def test_the_configured_log_has_one_info_line_and_no_traceback(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", "logfmt")
    configure_logging("INFO", "logfmt")  # a reload configures again: still one filter
    await send_raw(client, MALFORMED["duplicate Host"])
    lines = [line for line in capsys.readouterr().err.splitlines() if "aiohttp.server" in line]
    assert len(lines) == 1
    assert "level=info" in lines[0]
    assert "Traceback" not in lines[0]


@pytest.mark.usefixtures("restored_logging")
async def test_at_warning_a_malformed_request_is_not_logged(
    client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("WARNING", "logfmt")
    await send_raw(client, MALFORMED["missing Host"])
    assert "aiohttp.server" not in capsys.readouterr().err
