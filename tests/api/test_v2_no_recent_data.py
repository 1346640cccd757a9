"""A component whose results stopped arriving, through the v2 API: its status stays in
Statuspage's enum but is never "operational", its `data` says it is not fresh, and
the page's status says how many components have no recent data."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from storage.database import Database
from storage.freshness import Staleness, record_staleness
from storage.status import record_status_change
from tests.api.factories import NOW
from tests.api.helpers import get_json
from tests.api.schemas import assert_valid
from tests.app_client import Client

QUIET_AT = NOW - timedelta(minutes=1)
LAST_RESULT_AT = NOW - timedelta(minutes=5)


async def reported(db: Database, component_id: str, status: str) -> None:
    at = NOW - timedelta(hours=1)
    await record_status_change(db, component_id, status, at=at, source="probe")


async def went_quiet(db: Database, component_id: str, last_status: str = "operational") -> None:
    await reported(db, component_id, last_status)
    silent = {component_id: Staleness(QUIET_AT, LAST_RESULT_AT)}
    await record_staleness(db, silent, now=QUIET_AT)


async def rows(client: Client) -> dict[str, Any]:
    body = await get_json(client, "/api/v2/components.json")
    return {c["id"]: c for c in body["components"]}


async def test_a_silent_operational_component_is_not_operational(
    client: Client, db: Database
) -> None:
    await went_quiet(db, "api")
    assert (await rows(client))["api"]["status"] == "degraded_performance"


async def test_a_silent_component_keeps_a_worse_last_status(client: Client, db: Database) -> None:
    await went_quiet(db, "api", last_status="major_outage")
    assert (await rows(client))["api"]["status"] == "major_outage"


async def test_a_silent_components_data_says_since_when(client: Client, db: Database) -> None:
    await went_quiet(db, "api")
    assert (await rows(client))["api"]["data"] == {
        "fresh": False,
        "stale_since": "2026-11-26T11:14:02.113+01:00",
        "last_result_at": "2026-11-26T11:10:02.113+01:00",
    }


async def test_a_component_whose_results_arrive_is_fresh(client: Client, db: Database) -> None:
    await reported(db, "database", "operational")
    found = await rows(client)
    fresh = {"fresh": True, "stale_since": None, "last_result_at": None}
    assert found["database"]["data"] == found["notifications"]["data"] == fresh
    assert found["database"]["status"] == "operational"


async def test_a_group_with_a_silent_child_is_not_fresh(client: Client, db: Database) -> None:
    await reported(db, "database", "operational")
    await went_quiet(db, "api")
    group = (await rows(client))["group-platform"]
    assert group["status"] == "degraded_performance"
    assert group["data"]["fresh"] is False
    assert group["data"]["stale_since"] == "2026-11-26T11:14:02.113+01:00"


async def test_going_silent_moves_updated_at(client: Client, db: Database) -> None:
    later = NOW + timedelta(minutes=1)  # after the component rows were written, at NOW
    await reported(db, "api", "operational")
    await record_staleness(db, {"api": Staleness(later, LAST_RESULT_AT)}, now=later)
    body = await get_json(client, "/api/v2/components.json")
    api = next(c for c in body["components"] if c["id"] == "api")
    assert api["updated_at"] == body["page"]["updated_at"] == "2026-11-26T11:16:02.113+01:00"


@pytest.mark.parametrize("path", ["status.json", "summary.json"])
async def test_the_page_status_says_components_have_no_recent_data(
    client: Client, db: Database, path: str
) -> None:
    await reported(db, "database", "operational")
    await went_quiet(db, "api")
    status = (await get_json(client, f"/api/v2/{path}"))["status"]
    assert status == {
        "indicator": "minor",
        "description": "Partially Degraded Service; no recent data from 1 component",
    }


async def test_the_note_counts_every_silent_component(client: Client, db: Database) -> None:
    await went_quiet(db, "api", last_status="major_outage")
    await went_quiet(db, "database", last_status="major_outage")
    status = (await get_json(client, "/api/v2/status.json"))["status"]
    assert status["description"] == "Partial System Outage; no recent data from 2 components"


@pytest.mark.parametrize(
    ("path", "schema"),
    [("summary.json", "summary.json"), ("status.json", "status.json"),
     ("components.json", "components.json")],
)  # fmt: skip
async def test_a_page_with_silent_components_validates(
    client: Client, db: Database, path: str, schema: str
) -> None:
    await went_quiet(db, "api")
    await went_quiet(db, "database", last_status="partial_outage")
    assert_valid(await get_json(client, f"/api/v2/{path}"), schema)


async def test_an_operators_status_is_sent_over_silence(client: Client, db: Database) -> None:
    await went_quiet(db, "api")
    await record_status_change(db, "api", "under_maintenance", at=NOW, source="manual")
    api = (await rows(client))["api"]
    assert (api["status"], api["data"]["fresh"]) == ("under_maintenance", False)
    status = (await get_json(client, "/api/v2/status.json"))["status"]
    assert "no recent data" not in status["description"]


async def test_results_arriving_again_make_it_operational_and_fresh(
    client: Client, db: Database
) -> None:
    await went_quiet(db, "api")
    later = NOW + timedelta(minutes=2)
    await record_staleness(db, {"api": Staleness(None, later)}, now=later)
    api = (await rows(client))["api"]
    assert (api["status"], api["data"]["fresh"]) == ("operational", True)
    assert api["updated_at"] == "2026-11-26T11:17:02.113+01:00"
    status = (await get_json(client, "/api/v2/status.json"))["status"]
    assert status == {"indicator": "none", "description": "All Systems Operational"}
