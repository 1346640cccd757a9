"""Targets that hang, drip, reset, loop or flood: every one must end as a DOWN result."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from probes.http import probe
from probes.model import ProbeStatus
from tests.probes.targets import (
    RawServer,
    cut_short,
    drip,
    hang_forever,
    make_check,
    reset_connection,
)


async def test_it_reports_a_timeout_as_down(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    result = await probe(session, make_check(target.make_url("/slow/5000"), timeout_s=0.3))

    assert result.status is ProbeStatus.DOWN
    assert result.error == "timeout after 300 ms"
    assert 300 <= result.latency_ms < 300 + 400
    assert result.http_status is None


async def test_it_cuts_off_a_server_that_accepts_and_never_answers(
    session: aiohttp.ClientSession,
) -> None:
    async with RawServer(hang_forever) as server:
        result = await probe(session, make_check(server.url, timeout_s=0.3))

    assert result.error == "timeout after 300 ms"
    assert result.phases.connect_ms is not None
    assert result.phases.ttfb_ms is None


async def test_it_cuts_off_a_body_dripping_one_byte_every_50_ms(
    session: aiohttp.ClientSession,
) -> None:
    async with RawServer(drip(interval_s=0.05, headers_first=True)) as server:
        result = await probe(session, make_check(server.url, timeout_s=0.5))

    assert result.error == "timeout after 500 ms"
    assert 500 <= result.latency_ms < 500 + 400
    assert result.phases.ttfb_ms is not None  # the headers came; the body never finished
    assert result.http_status == 200


async def test_it_cuts_off_headers_dripping_one_byte_every_50_ms(
    session: aiohttp.ClientSession,
) -> None:
    async with RawServer(drip(interval_s=0.05, headers_first=False)) as server:
        result = await probe(session, make_check(server.url, timeout_s=0.5))

    assert result.error == "timeout after 500 ms"
    assert result.phases.ttfb_ms is None


async def test_it_reports_a_reset_connection(session: aiohttp.ClientSession) -> None:
    async with RawServer(reset_connection) as server:
        result = await probe(session, make_check(server.url))

    assert result.status is ProbeStatus.DOWN
    assert result.error == "connection reset"


async def test_it_reports_a_body_cut_short(session: aiohttp.ClientSession) -> None:
    async with RawServer(cut_short(reset=False)) as server:
        result = await probe(session, make_check(server.url))

    assert result.error == "response body cut short"
    assert result.http_status == 200


async def test_it_reports_a_connection_reset_in_the_middle_of_the_body(
    session: aiohttp.ClientSession,
) -> None:
    async with RawServer(cut_short(reset=True)) as server:
        result = await probe(session, make_check(server.url))

    assert result.error == "connection reset while reading the body"


async def test_it_reports_a_refused_connection(session: aiohttp.ClientSession) -> None:
    async with RawServer(hang_forever) as server:
        url = server.url  # a port that was just free, and is free again after the block

    result = await probe(session, make_check(url))

    assert result.error == "connection refused"


async def test_it_reports_a_redirect_loop(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    result = await probe(session, make_check(target.make_url("/loop"), max_redirects=5))

    assert result.status is ProbeStatus.DOWN
    assert result.error == "too many redirects (5)"


async def test_it_follows_exactly_max_redirects(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    five_hops = make_check(target.make_url("/hops/5"), max_redirects=5)
    six_hops = make_check(target.make_url("/hops/6"), max_redirects=5)

    assert (await probe(session, five_hops)).status is ProbeStatus.UP
    assert (await probe(session, six_hops)).error == "too many redirects (5)"


async def test_it_follows_one_redirect_when_the_limit_is_one(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    one_hop = make_check(target.make_url("/hops/1"), max_redirects=1)

    assert (await probe(session, one_hop)).status is ProbeStatus.UP


async def test_it_does_not_follow_redirects_when_the_limit_is_zero(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    result = await probe(session, make_check(target.make_url("/hops/1"), max_redirects=0))

    assert result.error == "HTTP 302"


@pytest.mark.parametrize("path", ["/huge", "/huge-chunked"])
async def test_it_reports_a_body_over_the_limit(
    session: aiohttp.ClientSession, target: TestServer, path: str
) -> None:
    result = await probe(session, make_check(target.make_url(path)))

    assert result.status is ProbeStatus.DOWN
    assert result.error == "body larger than 1048576 bytes"
    assert result.http_status == 200


async def test_it_accepts_a_body_exactly_at_the_limit(
    session: aiohttp.ClientSession, target: TestServer
) -> None:
    result = await probe(session, make_check(target.make_url("/huge"), max_body_bytes=5 * 2**20))

    assert result.status is ProbeStatus.UP


async def test_it_reports_an_invalid_url_without_raising(session: aiohttp.ClientSession) -> None:
    result = await probe(session, make_check("http://"))

    assert result.status is ProbeStatus.DOWN
    assert result.error == "invalid URL"


async def test_it_lets_cancellation_through(session: aiohttp.ClientSession) -> None:
    async with RawServer(hang_forever) as server:
        task = asyncio.create_task(probe(session, make_check(server.url, timeout_s=5)))
        await asyncio.sleep(0.05)
        task.cancel()

        with pytest.raises(asyncio.CancelledError):
            await task
