"""The metrics' JSON answers are what they are documented to be: `/api/metrics.json`
against schemas/metrics.json and the OpenAPI document, and the write API's metric
answers (a list, points, a stored batch, a refusal, an unknown metric, an alert about
a metric) against the OpenAPI document's `admin_metric*`, `error` and alert schemas,
which are closed: a field they do not describe fails."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_aiohttp import AiohttpClient

from statuspage import keys
from storage.metrics.writes import Point, record_problem, write_points
from storage.vocabulary import MetricProblemSide
from tests.admin.alert_builders import fire
from tests.admin.helpers import NOW
from tests.api.schemas import assert_answers, assert_valid
from tests.app_client import Client
from tests.metrics.test_admin_api import metrics_api

DATA = "/api/admin/metrics/{metric_id}/data"


@pytest.fixture
async def api(aiohttp_client: AiohttpClient, tmp_path: Path) -> Client:
    return await metrics_api(aiohttp_client, tmp_path, "reader")


async def some_data(api: Client) -> None:
    """A public error rate with an hour and more of points; sign-ups with a problem."""
    db = api.app[keys.DATABASE]
    points = [Point("api-error-rate", NOW - timedelta(minutes=m), 0.1 * m) for m in range(90)]
    await write_points(db, points)
    await record_problem(db, ["signups"], NOW, MetricProblemSide.TARGET, "no answer")


async def answer(api: Client, method: str, path: str, status: int, **json: Any) -> Any:
    response = await api.request(method, path, json=json or None)
    assert response.status == status, await response.text()
    return await response.json()


async def openapi(api: Client) -> Any:
    return await answer(api, "GET", "/api/openapi.json", 200)


@pytest.mark.parametrize("with_data", [False, True])
async def test_the_public_json_matches_its_schema_file_and_the_openapi_document(
    api: Client, with_data: bool
) -> None:
    if with_data:
        await some_data(api)
    body = await answer(api, "GET", "/api/metrics.json", 200)
    assert body["metrics"][0]["hourly"] if with_data else body["metrics"][0]["value"] is None
    assert_valid(body, "metrics.json")
    assert_answers(await openapi(api), "/api/metrics.json", "get", 200, body)


@pytest.mark.parametrize("with_data", [False, True])
async def test_the_metric_list_matches_admin_metric_list(api: Client, with_data: bool) -> None:
    if with_data:
        await some_data(api)
    body = await answer(api, "GET", "/api/admin/metrics", 200)
    assert_answers(await openapi(api), "/api/admin/metrics", "get", 200, body)


async def test_a_metrics_points_match_admin_metric_data(api: Client) -> None:
    await some_data(api)
    body = await answer(api, "GET", "/api/admin/metrics/api-error-rate/data", 200)
    assert len(body["points"]) == 90
    assert_answers(await openapi(api), DATA, "get", 200, body)


async def test_a_stored_batch_matches_admin_metric_stored(api: Client) -> None:
    points = [{"at": "2026-03-02T10:00:00Z", "value": 12}]
    body = await answer(api, "POST", "/api/admin/metrics/signups/data", 200, points=points)
    assert_answers(await openapi(api), DATA, "post", 200, body)


async def test_a_refusal_and_an_unknown_metric_match_the_error_schema(api: Client) -> None:
    document = await openapi(api)
    refused = await answer(api, "GET", "/api/admin/metrics/signups/data?since=never", 400)
    assert_answers(document, DATA, "get", 400, refused)
    unknown = await answer(api, "GET", "/api/admin/metrics/nope/data", 404)
    assert_answers(document, DATA, "get", 404, unknown)
    wrong = await answer(api, "POST", "/api/admin/metrics/signups/data", 400, points=[])
    assert_answers(document, DATA, "post", 400, wrong)


async def test_an_alert_about_a_metric_matches_the_alert_list_schema(api: Client) -> None:
    await fire(api.app[keys.DATABASE], subject="metric:api-error-rate")
    body = await answer(api, "GET", "/api/admin/alerts", 200)
    assert body["alerts"][0]["metric_id"] == "api-error-rate"
    assert_answers(await openapi(api), "/api/admin/alerts", "get", 200, body)
