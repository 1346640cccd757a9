"""A write-API body nested absurdly deep is refused with 400 in the documented error
shape, never a 500, whichever write it is sent to."""

from __future__ import annotations

import pytest

from statuspage.admin.api_input import MAX_DEPTH
from storage.database import Database
from storage.incidents.reads import IncidentFilter, list_incidents
from tests.admin.helpers import add_test_token
from tests.app_client import Client

DEPTH = 100_000
DEEP_ARRAYS = "[" * DEPTH + "]" * DEPTH
DEEP_OBJECTS = '{"a":' * DEPTH + "1" + "}" * DEPTH
WRITES = [
    ("POST", "/api/admin/incidents"),
    ("PATCH", "/api/admin/incidents/1"),
    ("POST", "/api/admin/incidents/1/updates"),
    ("POST", "/api/admin/maintenances"),
]
TOO_DEEP = {
    "status": 400,
    "message": f"the body nests arrays or objects more than {MAX_DEPTH} levels deep",
}


@pytest.fixture
async def api(client: Client, db: Database) -> Client:
    token = await add_test_token(db, "deploys")
    client.session.headers["Authorization"] = f"Bearer {token}"
    return client


async def send(api: Client, method: str, path: str, body: str) -> tuple[int, object]:
    headers = {"Content-Type": "application/json"}
    response = await api.request(method, path, data=body, headers=headers)
    return response.status, await response.json()


@pytest.mark.parametrize("body", [DEEP_ARRAYS, DEEP_OBJECTS], ids=["arrays", "objects"])
@pytest.mark.parametrize(("method", "path"), WRITES)
async def test_a_body_nested_a_hundred_thousand_deep_is_a_400(
    api: Client, db: Database, method: str, path: str, body: str
) -> None:
    assert await send(api, method, path, body) == (400, {"error": TOO_DEEP})
    assert await list_incidents(db, IncidentFilter(include_drafts=True)) == []


async def test_a_body_nested_deeper_than_the_limit_inside_a_field_is_refused_whole(
    api: Client,
) -> None:
    status = "[" * MAX_DEPTH + '"major_outage"' + "]" * MAX_DEPTH
    body = '{"name": "x", "status": "investigating", "body": "y", "components": {"api": %s}}'
    assert await send(api, "POST", "/api/admin/incidents", body % status) == (
        400,
        {"error": TOO_DEEP},
    )
