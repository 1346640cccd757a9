"""Every v2 response validates against its JSON Schema, whatever the data holds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from statuspage.api.views import V2_ENDPOINTS
from storage.database import Database
from storage.incidents.writes import advance_maintenances
from tests.api.factories import NOW, open_incident, post, schedule_maintenance
from tests.api.helpers import get_json, is_timestamp, timestamps
from tests.api.schemas import assert_valid
from tests.app_client import Client

ENDPOINTS = sorted(V2_ENDPOINTS.items())


async def a_busy_page(db: Database) -> None:
    """One of everything: open, monitoring and resolved incidents; upcoming,
    active and completed maintenance."""
    await open_incident(db, "Open")
    watched = await open_incident(db, "Watched", components={"api": "partial_outage"})
    await post(db, watched, "monitoring", "A fix is out.")
    done = await open_incident(db, "Done", components={"api": "major_outage"})
    await post(db, done, "resolved", "All good.")
    await schedule_maintenance(db, "Upcoming", starts=NOW + timedelta(days=2))
    await schedule_maintenance(db, "Active", starts=NOW - timedelta(minutes=10))
    await schedule_maintenance(
        db, "Over", starts=NOW - timedelta(hours=5), at=NOW - timedelta(days=3)
    )
    await advance_maintenances(db, now=NOW)


@pytest.mark.parametrize(("path", "endpoint"), ENDPOINTS)
async def test_an_empty_page_validates(
    client: Client, path: str, endpoint: tuple[object, str]
) -> None:
    assert_valid(await get_json(client, f"/api/v2/{path}"), endpoint[1])


@pytest.mark.parametrize(("path", "endpoint"), ENDPOINTS)
async def test_a_busy_page_validates(
    client: Client, db: Database, path: str, endpoint: tuple[object, str]
) -> None:
    await a_busy_page(db)
    assert_valid(await get_json(client, f"/api/v2/{path}"), endpoint[1])


@pytest.mark.parametrize("path", sorted(V2_ENDPOINTS))
async def test_every_timestamp_has_milliseconds_and_an_offset(
    client: Client, db: Database, path: str
) -> None:
    await a_busy_page(db)
    body = await get_json(client, f"/api/v2/{path}")
    found = [*timestamps(body), body["page"]["updated_at"]]
    assert found
    assert all(is_timestamp(t) for t in found), found


@pytest.mark.parametrize("path", sorted(V2_ENDPOINTS))
async def test_page_is_the_first_key(client: Client, path: str) -> None:
    body = await get_json(client, f"/api/v2/{path}")
    assert next(iter(body)) == "page"


async def test_the_busy_page_fills_every_list(client: Client, db: Database) -> None:
    await a_busy_page(db)
    counts = {
        path: len(next(v for k, v in body.items() if k != "page" and isinstance(v, list)))
        for path in sorted(V2_ENDPOINTS)
        if path != "status.json"
        for body in [await get_json(client, f"/api/v2/{path}")]
    }
    assert counts == {
        "components.json": 4,
        "incidents.json": 3,
        "incidents/unresolved.json": 2,
        "scheduled-maintenances.json": 3,
        "scheduled-maintenances/active.json": 1,
        "scheduled-maintenances/upcoming.json": 1,
        "summary.json": 4,
    }
