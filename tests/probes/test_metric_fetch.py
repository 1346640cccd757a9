"""Fetching a metric source against servers on 127.0.0.1: what is asked for, what comes
back, and whose failure each refusal is. (tests/metrics drives the same code through
the collector and a database; these reach it without one.)"""

from __future__ import annotations

import asyncio
import json
import socket

import aiohttp
import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from probes.metrics.fetch import (
    ACCEPT_TEXT,
    Endpoint,
    FetchFailure,
    fetch_exposition,
    instant_value,
    query_prometheus,
)

Seen = list[web.Request]


async def serve(
    aiohttp_server: AiohttpServer, body: bytes, status: int = 200, path: str = "/metrics"
) -> tuple[str, Seen]:
    """A server answering `path` with `body`; its URL and the requests it saw."""
    seen: Seen = []

    async def answer(request: web.Request) -> web.Response:
        seen.append(request)
        return web.Response(body=body, status=status)

    app = web.Application()
    app.router.add_get(path, answer)
    server = await aiohttp_server(app)
    return str(server.make_url(path)), seen


def endpoint(
    url: str, *, timeout_s: float = 5.0, max_body_bytes: int = 1000, bearer_token: str | None = None
) -> Endpoint:
    return Endpoint(url, timeout_s, max_body_bytes, bearer_token)


def answer(data: object) -> bytes:
    return json.dumps({"status": "success", "data": data}).encode()


def vector(*values: object) -> bytes:
    return answer({"resultType": "vector", "result": [{"value": [1.0, v]} for v in values]})


def refusal(body: bytes) -> str:
    with pytest.raises(FetchFailure) as caught:
        instant_value(body)
    assert not caught.value.local
    return caught.value.reason


async def test_the_exposition_comes_back_as_text_asked_for_as_prometheus_text(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    url, seen = await serve(aiohttp_server, "cpu 0.5 # é\n".encode())
    assert await fetch_exposition(session, endpoint(url)) == "cpu 0.5 # é\n"
    assert seen[0].headers["Accept"] == ACCEPT_TEXT
    assert "Authorization" not in seen[0].headers


async def test_the_bearer_token_goes_in_the_authorization_header(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    url, seen = await serve(aiohttp_server, b"cpu 1\n")
    await fetch_exposition(session, endpoint(url, bearer_token="s3cret"))
    assert seen[0].headers["Authorization"] == "Bearer s3cret"


async def test_an_exposition_that_is_not_utf8_is_refused(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    url, _ = await serve(aiohttp_server, b"cpu 1 # \xff\n")
    with pytest.raises(FetchFailure, match=r"^the exposition is not UTF-8 text$"):
        await fetch_exposition(session, endpoint(url))


async def test_an_error_status_is_the_targets_failure_naming_the_url_without_its_query(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    url, _ = await serve(aiohttp_server, b"cpu 1\n", status=503)
    with pytest.raises(FetchFailure) as caught:
        await fetch_exposition(session, endpoint(url + "?token=abc?x"))
    assert (caught.value.reason, caught.value.local) == (f"HTTP 503 from {url}", False)


async def test_the_url_in_a_failure_is_cut_to_200_characters(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    long_path = "/" + "m" * 300
    url, _ = await serve(aiohttp_server, b"", status=404, path=long_path)
    with pytest.raises(FetchFailure) as caught:
        await fetch_exposition(session, endpoint(url + "x"))
    assert caught.value.reason == f"HTTP 404 from {url[:200]}"


async def test_a_refusal_status_of_prometheus_is_not_read_for_an_exposition(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    url, _ = await serve(aiohttp_server, b"cpu 1\n", status=400)
    with pytest.raises(FetchFailure, match=r"^HTTP 400 from "):
        await fetch_exposition(session, endpoint(url))


async def test_an_answer_larger_than_the_limit_is_refused(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    url, _ = await serve(aiohttp_server, b"x" * 11)
    with pytest.raises(FetchFailure) as caught:
        await fetch_exposition(session, endpoint(url, max_body_bytes=10))
    assert (caught.value.reason, caught.value.local) == ("body larger than 10 bytes", False)


async def test_a_refused_connection_is_the_targets_failure(
    session: aiohttp.ClientSession,
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(FetchFailure) as caught:
        await fetch_exposition(session, endpoint(f"http://127.0.0.1:{port}/metrics"))
    assert (caught.value.reason, caught.value.local) == ("connection refused", False)


async def test_a_source_slower_than_its_timeout_fails_with_that_timeout(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    async def stuck(request: web.Request) -> web.Response:
        await asyncio.Event().wait()
        raise AssertionError("never answers")

    app = web.Application()
    app.router.add_get("/metrics", stuck)
    server = await aiohttp_server(app)
    with pytest.raises(FetchFailure) as caught:
        await fetch_exposition(session, endpoint(str(server.make_url("/metrics")), timeout_s=0.2))
    assert (caught.value.reason, caught.value.local) == ("timeout after 200 ms", False)


async def test_a_source_that_moved_is_read_at_its_new_address(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPFound("/new")

    async def new(request: web.Request) -> web.Response:
        return web.Response(text="cpu 1\n")

    app = web.Application()
    app.router.add_get("/metrics", moved)
    app.router.add_get("/new", new)
    server = await aiohttp_server(app)
    assert await fetch_exposition(session, endpoint(str(server.make_url("/metrics")))) == "cpu 1\n"


async def test_redirects_are_followed_five_times_as_the_reason_says(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    asked: list[str] = []

    async def loop(request: web.Request) -> web.Response:
        asked.append(request.path)
        raise web.HTTPFound("/metrics")

    app = web.Application()
    app.router.add_get("/metrics", loop)
    server = await aiohttp_server(app)
    with pytest.raises(FetchFailure) as caught:
        await fetch_exposition(session, endpoint(str(server.make_url("/metrics"))))
    assert caught.value.reason == "too many redirects (5)"
    assert len(asked) == 1 + 5


async def test_a_query_goes_to_the_query_api_of_the_server_as_json(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    url, seen = await serve(aiohttp_server, vector("0.25"), path="/api/v1/query")
    base = url.removesuffix("/api/v1/query") + "/"
    assert await query_prometheus(session, endpoint(base, bearer_token="t"), "up == 1") == 0.25
    assert seen[0].query["query"] == "up == 1"
    assert seen[0].headers["Accept"] == "application/json"
    assert seen[0].headers["Authorization"] == "Bearer t"


async def test_a_prometheus_under_a_path_keeps_the_whole_path(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession
) -> None:
    # A path ending in a letter: only a trailing slash is taken off the base URL.
    url, seen = await serve(aiohttp_server, vector("1"), path="/tenants/X/api/v1/query")
    base = url.removesuffix("/api/v1/query")
    assert await query_prometheus(session, endpoint(base), "up") == 1.0
    assert len(seen) == 1


@pytest.mark.parametrize("status", [400, 422])
async def test_prometheus_says_why_it_refused_a_query(
    aiohttp_server: AiohttpServer, session: aiohttp.ClientSession, status: int
) -> None:
    body = json.dumps({"status": "error", "error": "parse error at char 3"}).encode()
    url, _ = await serve(aiohttp_server, body, status=status, path="/api/v1/query")
    base = url.removesuffix("/api/v1/query")
    with pytest.raises(FetchFailure) as caught:
        await query_prometheus(session, endpoint(base), "up{")
    assert caught.value.reason == "Prometheus refused the query: parse error at char 3"


def test_a_scalar_is_its_number() -> None:
    assert instant_value(answer({"resultType": "scalar", "result": [1.0, "3.5"]})) == 3.5


def test_a_vector_of_one_sample_is_its_number() -> None:
    assert instant_value(vector("-2e3")) == -2000.0


def test_an_empty_vector_is_no_value() -> None:
    assert instant_value(vector()) is None


def test_a_vector_of_two_series_is_refused() -> None:
    assert refusal(vector("1", "2")) == "the query returned 2 series; it must return one"


@pytest.mark.parametrize(
    "data",
    [
        {"resultType": "scalar", "result": [1.0]},
        {"resultType": "scalar", "result": [1.0, "1", "2"]},
        {"resultType": "scalar", "result": "1"},
        {"resultType": "vector", "result": ["1"]},
        {"resultType": "vector", "result": [{"value": [1.0]}]},
        {"resultType": "vector", "result": [{"value": [1.0, "1", "2"]}]},
        {"resultType": "vector", "result": [{"value": "1"}]},
        {"resultType": "vector", "result": {"value": [1.0, "1"]}},
    ],
)
def test_a_result_of_the_wrong_shape_is_refused_naming_its_type(data: dict[str, object]) -> None:
    expected = f"the query's result is not one number (result type {data['resultType']!r})"
    assert refusal(answer(data)) == expected


def test_an_answer_without_data_is_refused() -> None:
    assert refusal(b'{"status": "success", "data": [1]}') == (
        "the query's result is not one number (result type None)"
    )


def test_a_value_that_is_not_a_number_is_refused_quoting_50_characters_of_it() -> None:
    assert refusal(vector("n" * 60)) == f"the query's value {'n' * 50!r} is not a number"


def test_an_infinite_value_is_refused() -> None:
    assert refusal(vector("-Inf")) == "the query's value is -inf"


def test_prometheus_s_error_is_quoted_to_200_characters() -> None:
    body = json.dumps({"status": "error", "error": "e" * 300}).encode()
    assert refusal(body) == "Prometheus refused the query: " + "e" * 200


def test_an_answer_that_is_not_an_object_is_a_refusal() -> None:
    assert refusal(b"[1, 2]") == "Prometheus refused the query: None"


def test_an_answer_without_a_status_is_a_refusal() -> None:
    assert refusal(b'{"data": {"resultType": "scalar", "result": [1, "1"]}}') == (
        "Prometheus refused the query: None"
    )


@pytest.mark.parametrize("body", [b"<html>bad gateway</html>", b'{"status": "\xff"}'])
def test_an_answer_that_is_not_json_is_refused(body: bytes) -> None:
    assert refusal(body) == "Prometheus answered with something that is not JSON"
