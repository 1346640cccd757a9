"""The write API reads incidents, drafts included (an alert's incident starts as one),
in the v2 shape exactly; the public API never shows a draft."""

from __future__ import annotations

from typing import Any

import pytest

from storage.database import Database
from tests.admin.helpers import add_test_token
from tests.admin.test_write_api import NEW, assert_v2
from tests.app_client import Client


@pytest.fixture
async def api(client: Client, db: Database) -> Client:
    token = await add_test_token(db, "deploys")
    client.session.headers["Authorization"] = f"Bearer {token}"
    return client


async def create(api: Client, **changes: object) -> dict[str, Any]:
    response = await api.post("/api/admin/incidents", json=NEW | changes)
    assert response.status == 201, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def test_one_incident_is_read_in_v2_shape_a_draft_too(api: Client) -> None:
    draft = await create(api, draft=True, name="Drafted by an alert")
    answer = await api.get(f"/api/admin/incidents/{draft['id']}")
    assert answer.status == 200
    body = await answer.json()
    assert_v2(body)
    assert body["name"] == "Drafted by an alert"
    public = await (await api.get("/api/v2/incidents.json")).json()
    assert [i["id"] for i in public["incidents"]] == []


async def test_the_list_has_drafts_and_filters_on_them(api: Client) -> None:
    draft = await create(api, draft=True, name="A draft")
    live = await create(api, name="Live")
    every = await (await api.get("/api/admin/incidents")).json()
    assert [i["id"] for i in every["incidents"]] == [live["id"], draft["id"]]
    for each in every["incidents"]:
        assert_v2(each)
    drafts = await (await api.get("/api/admin/incidents?draft=true")).json()
    assert [i["id"] for i in drafts["incidents"]] == [draft["id"]]
    published = await (await api.get("/api/admin/incidents?draft=false")).json()
    assert [i["id"] for i in published["incidents"]] == [live["id"]]
    first = await (await api.get("/api/admin/incidents?limit=1")).json()
    assert [i["id"] for i in first["incidents"]] == [live["id"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("draft=yes", "draft"),
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("limit=%C2%B2", "limit"),  # '²': a digit to str.isdigit(), not to int()
        ("limit=%E2%91%A0", "limit"),  # '①'
        ("limit=%D9%A3", "limit"),  # '٣', an Arabic-Indic 3, which int() reads as 3
        ("limit=" + "1" * 5000, "limit"),  # past the digits int() reads at all
    ],
)
async def test_bad_parameters_answer_400_naming_them(api: Client, query: str, field: str) -> None:
    answer = await api.get(f"/api/admin/incidents?{query}")
    assert answer.status == 400
    assert (await answer.json())["error"]["field"] == field


async def test_an_unknown_incident_is_404(api: Client) -> None:
    assert (await api.get("/api/admin/incidents/999999")).status == 404


async def test_reading_needs_a_token(client: Client) -> None:
    assert (await client.get("/api/admin/incidents")).status == 401
