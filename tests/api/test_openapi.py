"""`/api/openapi.json` describes the whole HTTP API and embeds the response schemas."""

from __future__ import annotations

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from statuspage.api.openapi import schema_files, schema_name
from statuspage.api.views import V2_ENDPOINTS
from storage.database import Database
from tests.api.factories import open_incident, schedule_maintenance
from tests.api.helpers import get_json, items
from tests.app_client import Client

METHODS = {"get", "post", "patch", "delete", "options", "put"}


def openapi_path(aiohttp_path: str) -> str:
    """`/incidents/{incident_id:\\d+}` -> `/incidents/{incident_id}`."""
    return re.sub(r"\{(\w+):[^}]*\}", r"{\1}", aiohttp_path)


def resolve(document: Any, pointer: str) -> Any:
    node = document
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


async def test_it_is_an_openapi_3_1_document(client: Client) -> None:
    document = await get_json(client, "/api/openapi.json")
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://status.example.test"}]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


async def test_every_api_route_of_the_app_is_described(client: Client) -> None:
    document = await get_json(client, "/api/openapi.json")
    for route in client.app.router.routes():
        path = openapi_path(route.resource.canonical if route.resource else "")
        if not path.startswith("/api/") or route.method == "HEAD":
            continue
        assert path in document["paths"], path
        assert route.method.lower() in document["paths"][path], (route.method, path)


async def test_feeds_badges_and_the_write_api_are_described(client: Client) -> None:
    paths = (await get_json(client, "/api/openapi.json"))["paths"]
    expected = [
        "/history.rss",
        "/updates.atom",
        "/components/{component_id}/history.atom",
        "/components/{component_id}/badge.svg",
        "/api/admin/incidents",
        "/api/admin/incidents/{incident_id}/updates",
        "/api/admin/maintenances",
    ]
    for path in expected:
        assert path in paths, path
    assert set(paths["/api/admin/incidents/{incident_id}"]) >= {"patch", "delete"}


async def test_every_reference_resolves(client: Client) -> None:
    document = await get_json(client, "/api/openapi.json")
    refs = [v for k, v in items(document) if k == "$ref"]
    assert refs
    for ref in refs:
        assert ref.startswith("#/"), ref
        resolve(document, ref)


async def test_every_schema_file_is_embedded(client: Client) -> None:
    schemas = (await get_json(client, "/api/openapi.json"))["components"]["schemas"]
    for file_name in schema_files():
        if file_name != "common.json":
            assert schema_name(file_name) in schemas, file_name
    assert {"page", "component", "incident", "scheduled_maintenance"} <= set(schemas)


async def test_the_write_api_answers_with_v2_shapes(client: Client) -> None:
    paths = (await get_json(client, "/api/openapi.json"))["paths"]
    created = paths["/api/admin/incidents"]["post"]["responses"]
    schema = created["201"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/incident"}
    assert created["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/error")


@pytest.mark.parametrize("path", sorted(V2_ENDPOINTS))
async def test_responses_validate_against_the_embedded_schemas(
    client: Client, db: Database, path: str
) -> None:
    await open_incident(db)
    await schedule_maintenance(db)
    document = await get_json(client, "/api/openapi.json")
    operation = document["paths"][f"/api/v2/{path}"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    registry = Registry().with_resource("openapi.json", DRAFT202012.create_resource(document))
    validator = Draft202012Validator({"$ref": f"openapi.json{ref}"}, registry=registry)
    validator.validate(await get_json(client, f"/api/v2/{path}"))


async def test_the_schema_files_are_served(client: Client) -> None:
    schema = await get_json_schema(client, "/api/schemas/summary.json")
    assert schema["title"] == "summary.json"
    assert (await client.get("/api/schemas/secrets.json")).status == 404


async def get_json_schema(client: Client, path: str) -> Any:
    response = await client.get(path)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("application/schema+json")
    return await response.json(content_type=None)


async def test_operation_ids_are_unique(client: Client) -> None:
    paths = (await get_json(client, "/api/openapi.json"))["paths"]
    ids = [op["operationId"] for item in paths.values() for m, op in item.items() if m in METHODS
           and "operationId" in op]  # fmt: skip
    assert len(ids) == len(set(ids))
