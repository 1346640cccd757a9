"""aioresponses 0.7.9 on aiohttp 3.14.

aiohttp 3.14's `ClientResponse.__init__` requires a `stream_writer` keyword that
aioresponses does not pass, so every mocked response fails to build. `mocked_responses()`
is an `aioresponses` whose responses are built by a subclass that supplies a stub writer.
Mocked exceptions (`exception=`) never build a response and need no help; aioresponses
also replaces `ClientSession._request`, so trace hooks and phase timings do not run.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import ClientResponse
from aiohttp.abc import AbstractStreamWriter
from aioresponses import aioresponses
from multidict import CIMultiDict


class _SentWriter(AbstractStreamWriter):
    """A writer for a request that was already sent: it holds only the bytes-sent count."""

    async def write(self, chunk: bytes | bytearray | memoryview) -> None:
        raise NotImplementedError

    async def write_eof(self, chunk: bytes = b"") -> None:
        raise NotImplementedError

    async def drain(self) -> None:
        raise NotImplementedError

    def enable_compression(self, encoding: str = "deflate", strategy: int | None = None) -> None:
        raise NotImplementedError

    def enable_chunking(self) -> None:
        raise NotImplementedError

    async def write_headers(self, status_line: str, headers: CIMultiDict[str]) -> None:
        raise NotImplementedError


class _CompatResponse(ClientResponse):
    def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", _SentWriter())
        super().__init__(method, url, **kwargs)


class _CompatAioresponses(aioresponses):
    # Only response_class changes; every other option passes through untouched.
    def add(self, url: Any, method: str = "GET", **kwargs: Any) -> None:  # type: ignore[override]
        kwargs.setdefault("response_class", _CompatResponse)
        super().add(url, method, **kwargs)


def mocked_responses() -> aioresponses:
    """Use as `with mocked_responses() as mocked: mocked.get(url, status=301, ...)`."""
    asyncio.get_running_loop()  # aioresponses' streams need the running loop of the test
    return _CompatAioresponses()
