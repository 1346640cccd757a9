"""Every /api/v2 answer may be read from any origin, and is cached like the pages."""

from __future__ import annotations

import pytest

from statuspage.api.views import V2_ENDPOINTS
from storage.database import Database
from tests.api.factories import open_incident, post
from tests.api.schemas import assert_valid
from tests.app_client import Client

PATHS = [f"/api/v2/{p}" for p in sorted(V2_ENDPOINTS)] + [
    "/api/v2/components/api/uptime.json",
    "/api/openapi.json",
]


@pytest.mark.parametrize("path", PATHS)
async def test_responses_allow_any_origin(client: Client, path: str) -> None:
    response = await client.get(path, headers={"Origin": "https://dashboard.example"})
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", PATHS)
async def test_preflight_is_answered(client: Client, path: str) -> None:
    response = await client.options(
        path,
        headers={
            "Origin": "https://dashboard.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-requested-with",
        },
    )
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "x-requested-with"


async def test_errors_allow_any_origin_and_are_json(client: Client) -> None:
    response = await client.get("/api/v2/components/nope/uptime.json")
    assert response.status == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert_valid(await response.json(), "error.json")


async def test_an_unknown_v2_path_is_a_json_404_with_cors(client: Client) -> None:
    response = await client.get("/api/v2/nothing.json")
    assert (response.status, response.headers["Access-Control-Allow-Origin"]) == (404, "*")
    assert_valid(await response.json(), "error.json")


async def test_a_matching_etag_gets_304_with_cors(client: Client) -> None:
    first = await client.get("/api/v2/summary.json")
    etag = first.headers["ETag"]
    again = await client.get("/api/v2/summary.json", headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.headers["ETag"] == etag
    assert again.headers["Access-Control-Allow-Origin"] == "*"


async def test_if_modified_since_gets_304(client: Client) -> None:
    first = await client.get("/api/v2/status.json")
    since = first.headers["Last-Modified"]
    again = await client.get("/api/v2/status.json", headers={"If-Modified-Since": since})
    assert again.status == 304


async def test_a_new_update_changes_the_etag(client: Client, db: Database) -> None:
    incident = await open_incident(db)
    before = (await client.get("/api/v2/incidents.json")).headers["ETag"]
    await post(db, incident, "identified", "Found it.")
    after = await client.get("/api/v2/incidents.json", headers={"If-None-Match": before})
    assert after.status == 200
    assert after.headers["ETag"] != before


async def test_responses_are_cacheable_json(client: Client) -> None:
    response = await client.get("/api/v2/summary.json")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert "Accept-Encoding" in response.headers["Vary"]


async def test_the_write_api_is_not_opened_to_other_origins(client: Client) -> None:
    response = await client.post("/api/admin/incidents", json={"name": "x"})
    assert response.status == 401
    assert "Access-Control-Allow-Origin" not in response.headers
