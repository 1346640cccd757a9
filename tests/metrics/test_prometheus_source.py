"""The PromQL source against a fake Prometheus HTTP API on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from probes.sessions import ProbeSessions
from storage.database import Database
from storage.metrics.reads import latest_points, latest_problems
from tests.metrics.helpers import MovingClock, collector, metrics_settings

P99 = """
[[metrics]]
id = "api-p99"
name = "API p99"
source = "prom"
kind = "promql"
query = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'
scale = 1000.0
unit = "ms"
"""


def vector(value: str) -> dict[str, Any]:
    sample = {"metric": {}, "value": [1700000000.0, value]}
    return {"status": "success", "data": {"resultType": "vector", "result": [sample]}}


async def fake_prometheus(
    aiohttp_server: AiohttpServer, answer: object, status: int = 200
) -> tuple[str, list[str]]:
    """A Prometheus that answers every /api/v1/query with `answer`; returns its base
    URL and the queries it was asked."""
    asked: list[str] = []

    async def query(request: web.Request) -> web.Response:
        asked.append(request.query["query"])
        return web.json_response(answer, status=status)

    app = web.Application()
    app.router.add_get("/api/v1/query", query)
    server = await aiohttp_server(app)
    return str(server.make_url("")).rstrip("/"), asked


def source(url: str) -> str:
    return f'[[metric_sources]]\nname = "prom"\nkind = "prometheus"\nurl = "{url}"\n'


async def test_a_promql_metric_stores_the_querys_one_number(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    url, asked = await fake_prometheus(aiohttp_server, vector("0.25"))
    await collector(db, sessions, metrics_settings(tmp_path, source(url), P99), clock).collect(
        "prom"
    )
    assert asked == [
        "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"
    ]
    assert (await latest_points(db, ["api-p99"]))["api-p99"].value == 250.0


async def test_a_scalar_result_is_taken_too(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    answer = {"status": "success", "data": {"resultType": "scalar", "result": [1.0, "3"]}}
    url, _ = await fake_prometheus(aiohttp_server, answer)
    await collector(db, sessions, metrics_settings(tmp_path, source(url), P99), clock).collect(
        "prom"
    )
    assert (await latest_points(db, ["api-p99"]))["api-p99"].value == 3000.0


@pytest.mark.parametrize(
    ("answer", "status", "says"),
    [
        (
            {"status": "error", "errorType": "bad_data", "error": "parse error at char 3"},
            400,
            "Prometheus refused the query: parse error at char 3",
        ),
        (
            {"status": "error"},
            503,
            "HTTP 503 from {url}/api/v1/query",
        ),
        (
            {"status": "error", "error": "query timed out"},
            200,
            "Prometheus refused the query: query timed out",
        ),
        (
            {"status": "success", "data": {"resultType": "vector", "result": []}},
            200,
            "the query returned no series",
        ),
        (
            {
                "status": "success",
                "data": {"resultType": "vector", "result": [{"value": [1, "1"]}] * 2},
            },
            200,
            "the query returned 2 series; it must return one",
        ),
        (vector("NaN"), 200, "the query's value is nan"),
        (vector("+Inf"), 200, "the query's value is inf"),
        (vector("many"), 200, "the query's value 'many' is not a number"),
        (
            {"status": "success", "data": {"resultType": "matrix", "result": []}},
            200,
            "the query's result is not one number (result type 'matrix')",
        ),
        ([1, 2], 200, "Prometheus refused the query: None"),
    ],
)
async def test_an_answer_that_is_not_one_number_is_recorded_and_nothing_stored(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
    answer: object,
    status: int,
    says: str,
) -> None:
    url, _ = await fake_prometheus(aiohttp_server, answer, status)
    await collector(db, sessions, metrics_settings(tmp_path, source(url), P99), clock).collect(
        "prom"
    )
    assert await latest_points(db, ["api-p99"]) == {}
    problem = (await latest_problems(db, ["api-p99"]))["api-p99"]
    assert (problem.side, problem.message) == ("target", says.format(url=url))


async def test_an_answer_that_is_not_json_is_recorded(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    async def query(request: web.Request) -> web.Response:
        return web.Response(text="<html>proxy error</html>")

    app = web.Application()
    app.router.add_get("/api/v1/query", query)
    url = str((await aiohttp_server(app)).make_url("")).rstrip("/")
    await collector(db, sessions, metrics_settings(tmp_path, source(url), P99), clock).collect(
        "prom"
    )
    problem = (await latest_problems(db, ["api-p99"]))["api-p99"]
    assert problem.message == "Prometheus answered with something that is not JSON"
