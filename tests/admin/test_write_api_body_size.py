"""A write-API body over the size limit is answered 413 in the API's usual error shape,
naming the limit, and nothing is written."""

from __future__ import annotations

import io
import json

import pytest

from statuspage.http.limits import MAX_BODY_BYTES
from storage.database import Database
from storage.incidents.reads import IncidentFilter, list_incidents
from tests.admin.helpers import add_test_token
from tests.app_client import Client


@pytest.fixture
async def api(client: Client, db: Database) -> Client:
    token = await add_test_token(db, "deploys")
    client.session.headers["Authorization"] = f"Bearer {token}"
    return client


def incident_body(size: int) -> bytes:
    """A complete incident, padded with spaces (still JSON) to exactly `size` bytes."""
    body = json.dumps({"name": "Checkout failing", "status": "investigating", "body": "Looking."})
    return (body[:-1] + " " * (size - len(body)) + "}").encode()


async def post(api: Client, body: bytes) -> tuple[int, object]:
    headers = {"Content-Type": "application/json"}
    response = await api.post("/api/admin/incidents", data=io.BytesIO(body), headers=headers)
    return response.status, await response.json()


async def test_a_body_over_the_limit_is_a_413_naming_it(api: Client, db: Database) -> None:
    status, answer = await post(api, incident_body(3 * 1024 * 1024))
    assert status == 413
    message = f"The request's body is larger than the limit of {MAX_BODY_BYTES} bytes (1 MiB)."
    assert answer == {"error": {"status": 413, "message": message}}
    assert await list_incidents(db, IncidentFilter(include_drafts=True)) == []


async def test_the_limit_is_the_one_the_server_holds_to(api: Client, db: Database) -> None:
    """One byte more than MAX_BODY_BYTES is refused, MAX_BODY_BYTES itself is taken: the
    constant the message names is aiohttp's own limit."""
    assert (await post(api, incident_body(MAX_BODY_BYTES + 1)))[0] == 413
    assert (await post(api, incident_body(MAX_BODY_BYTES)))[0] == 201
    assert len(await list_incidents(db)) == 1
