"""The write API's metrics through the real app: listing with latest values, points
since a time, and pushing batches (token auth, idempotent by time, refused whole)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_aiohttp import AiohttpClient

from statuspage import keys
from storage.database import Database
from storage.metrics.writes import Point, record_problem, write_points
from storage.migrate import upgrade_database
from storage.vocabulary import MetricProblemSide
from tests.admin.alert_builders import fire
from tests.admin.helpers import NOW, SITE, Clock, add_test_token, settings_for
from tests.app_client import Client, app_client
from tests.metrics.helpers import ERROR_RATE, scrape_source

METRICS = (
    scrape_source("http://127.0.0.1:9/metrics")
    + ERROR_RATE
    + """target_below = 1.0
public = true

[[metrics]]
id = "signups"
name = "Sign-ups"
kind = "push"
unit = "/h"
group = "Business"
"""
)


async def metrics_api(aiohttp_client: AiohttpClient, tmp_path: Path, token_name: str) -> Client:
    """The app on a migrated SQLite file with METRICS, sending a token named `token_name`."""
    await upgrade_database(f"sqlite:///{tmp_path / 'page.db'}")
    client = await app_client(aiohttp_client, settings_for(tmp_path, SITE + METRICS), Clock())
    token = await add_test_token(client.app[keys.DATABASE], token_name)
    client.session.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.fixture
async def api(aiohttp_client: AiohttpClient, tmp_path: Path) -> Client:
    return await metrics_api(aiohttp_client, tmp_path, "pusher")


def db_of(api: Client) -> Database:
    return api.app[keys.DATABASE]


async def push(api: Client, body: object) -> tuple[int, Any]:
    response = await api.post("/api/admin/metrics/signups/data", json=body)
    return response.status, await response.json()


async def test_every_metric_is_listed_with_its_latest_value_and_time(api: Client) -> None:
    await write_points(db_of(api), [Point("api-error-rate", NOW - timedelta(minutes=1), 0.4)])
    response = await api.get("/api/admin/metrics")
    assert response.status == 200
    listed = {m["id"]: m for m in (await response.json())["metrics"]}
    assert listed["api-error-rate"]["value"] == 0.4
    assert listed["api-error-rate"]["at"] == "2026-03-02T11:59:00.000+01:00"
    assert (listed["api-error-rate"]["target_below"], listed["api-error-rate"]["public"]) == (
        1.0,
        True,
    )
    assert (listed["signups"]["value"], listed["signups"]["at"], listed["signups"]["kind"]) == (
        None,
        None,
        "push",
    )


async def test_a_problem_newer_than_the_latest_value_is_listed_with_it(api: Client) -> None:
    await write_points(db_of(api), [Point("api-error-rate", NOW - timedelta(minutes=2), 0.4)])
    await record_problem(
        db_of(api), ["api-error-rate"], NOW, MetricProblemSide.TARGET, "<b>malformed</b>"
    )
    listed = (await (await api.get("/api/admin/metrics")).json())["metrics"]
    problem = listed[0]["problem"]
    assert (problem["side"], problem["message"]) == ("target", "<b>malformed</b>")
    assert listed[0]["value"] == 0.4  # the last good value stays, marked by the problem


async def test_a_pushed_batch_is_stored_and_read_back(api: Client) -> None:
    points = [
        {"at": "2026-03-02T10:00:00Z", "value": 12},
        {"at": "2026-03-02T10:30:00+00:00", "value": 7.5},
    ]
    assert await push(api, {"points": points}) == (200, {"metric_id": "signups", "stored": 2})
    response = await api.get("/api/admin/metrics/signups/data?since=2026-03-02T10:00:00%2B00:00")
    body = await response.json()
    assert [p["value"] for p in body["points"]] == [12.0, 7.5]
    assert body["points"][0]["at"] == "2026-03-02T11:00:00.000+01:00"


async def data(api: Client, query: str) -> tuple[int, Any]:
    response = await api.get(f"/api/admin/metrics/signups/data?{query}")
    return response.status, await response.json()


async def test_points_before_since_are_left_out(api: Client) -> None:
    await push(api, {"points": [{"at": "2026-03-02T09:00:00Z", "value": 1}]})
    await push(api, {"points": [{"at": "2026-03-02T10:30:00Z", "value": 2}]})
    status, body = await data(api, "since=2026-03-02T10:00:00Z")
    assert status == 200
    assert [p["value"] for p in body["points"]] == [2.0]
    assert body["since"] == "2026-03-02T11:00:00.000+01:00"
    # Without an offset, `since` is in the site's time zone (Berlin, UTC+1 in March).
    _, local = await data(api, "since=2026-03-02T11:00")
    assert local["points"] == body["points"]


async def test_limit_bounds_the_answer_to_the_oldest_points(api: Client) -> None:
    points = [{"at": f"2026-03-02T10:0{m}:00Z", "value": m} for m in range(3)]
    await push(api, {"points": points})
    status, body = await data(api, "limit=2")
    assert status == 200
    assert [p["value"] for p in body["points"]] == [0.0, 1.0]


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ("since=yesterday", "since", "expected an ISO 8601 time like 2026-03-02T10:00:00Z"),
        # A "+" sent unencoded reads as a space: the answer says how to send it.
        ("since=2026-03-02T10:00:00+01:00", "since", "write a + in a query as %2B"),
        ("limit=0", "limit", "expected a whole number from 1 to 10000"),
        ("limit=10001", "limit", "expected a whole number from 1 to 10000"),
        ("limit=ten", "limit", "expected a whole number from 1 to 10000"),
    ],
)
async def test_a_malformed_since_or_limit_is_400_naming_it(
    api: Client, query: str, field: str, says: str
) -> None:
    status, body = await data(api, query)
    assert status == 400
    assert body["error"]["field"] == field
    assert says in body["error"]["message"]


async def test_pushing_the_same_batch_twice_stores_each_point_once(api: Client) -> None:
    body = {"points": [{"at": "2026-03-02T10:00:00Z", "value": 12}]}
    await push(api, body)
    await push(api, body)
    data = await (await api.get("/api/admin/metrics/signups/data")).json()
    assert [p["value"] for p in data["points"]] == [12.0]


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"points": []}, "points", "expected a non-empty list"),
        (
            {"points": [{"at": "2026-03-02T10:00:00Z"}]},
            "points[0].value",
            "expected a finite number",
        ),
        (
            {"points": [{"at": "2026-03-02T10:00:00Z", "value": True}]},
            "points[0].value",
            "expected a finite number",
        ),
        (
            {"points": [{"at": "2026-03-02T10:00:00Z", "value": "1"}]},
            "points[0].value",
            "expected a finite number",
        ),
        ({"points": [{"value": 1}]}, "points[0].at", "required"),
        ({"points": [{"at": "yesterday", "value": 1}]}, "points[0].at", "expected a date and time"),
        (
            {"points": [{"at": "2026-03-02T10:00:00Z", "value": 1, "unit": "x"}]},
            "points[0]",
            "expected an object",
        ),
        (
            {"points": [{"at": "2026-03-02T10:00:00Z", "value": 1}] * 2},
            "points[1].at",
            "given twice",
        ),
        (
            {"points": [{"at": "2025-01-01T00:00:00Z", "value": 1}]},
            "points[0].at",
            "outside what is kept",
        ),
        (
            {"points": [{"at": "2026-03-02T11:06:00Z", "value": 1}]},
            "points[0].at",
            "outside what is kept",
        ),
        ({"points": [{"at": "2026-03-02T10:00:00Z", "value": 1}] * 1001}, "points", "at most 1000"),
        ({"values": []}, "values", "unknown field"),
    ],
)
async def test_a_wrong_batch_is_refused_whole_naming_the_field(
    api: Client, body: dict[str, Any], field: str, says: str
) -> None:
    # A good point goes first: the batch is refused whole, so it is not stored either.
    good = {"at": "2026-03-02T09:00:00Z", "value": 3}
    if body.get("points"):
        body = {"points": [good, *body["points"]]}
        field = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + 1}]", field)
    status, answer = await push(api, body)
    assert status == 400
    assert answer["error"]["field"] == field
    assert says in answer["error"]["message"]
    assert (await (await api.get("/api/admin/metrics/signups/data")).json())["points"] == []


async def test_nan_and_infinity_are_refused(api: Client) -> None:
    for value in ("NaN", "Infinity", "-Infinity"):
        response = await api.post(
            "/api/admin/metrics/signups/data",
            data=f'{{"points": [{{"at": "2026-03-02T10:00:00Z", "value": {value}}}]}}',
            headers={"Content-Type": "application/json"},
        )
        assert response.status == 400


async def test_only_push_metrics_take_points(api: Client) -> None:
    response = await api.post(
        "/api/admin/metrics/api-error-rate/data",
        json={"points": [{"at": "2026-03-02T10:00:00Z", "value": 1}]},
    )
    assert response.status == 400
    assert (await response.json())["error"]["field"] == "metric"


async def test_an_unknown_metric_is_404(api: Client) -> None:
    assert (await api.get("/api/admin/metrics/nope/data")).status == 404
    assert (await api.post("/api/admin/metrics/nope/data", json={"points": []})).status == 404


async def test_without_a_token_nothing_is_read_or_pushed(api: Client) -> None:
    del api.session.headers["Authorization"]
    assert (await api.get("/api/admin/metrics")).status == 401
    response = await api.post(
        "/api/admin/metrics/signups/data",
        json={"points": [{"at": "2026-03-02T10:00:00Z", "value": 1}]},
    )
    assert response.status == 401


async def test_an_alert_about_a_metric_carries_its_id(api: Client) -> None:
    await fire(db_of(api), subject="metric:api-error-rate")
    await fire(db_of(api), "outage", subject="component:api")
    listed = (await (await api.get("/api/admin/alerts")).json())["alerts"]
    assert {(a["subject"], a["metric_id"], a["component_id"]) for a in listed} == {
        ("metric:api-error-rate", "api-error-rate", None),
        ("component:api", None, "api"),
    }
