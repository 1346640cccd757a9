"""The front page's incident lists read in one query say what the three reads apart say."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from storage.components import sync_components
from storage.database import Database
from storage.incidents.edits import delete_incident
from storage.incidents.reads import (
    IncidentFilter,
    list_incidents,
    open_and_recent,
    open_maintenances,
    unresolved_incidents,
)
from storage.incidents.rules import NewIncident, NewUpdate
from storage.incidents.writes import create_incident, post_update
from tests.storage.builders import T0, component

NOW = T0 + timedelta(days=30)
SINCE = NOW - timedelta(days=14)


def incident(name: str, started: datetime, **fields: object) -> NewIncident:
    values: dict[str, object] = {
        "name": name,
        "status": "investigating",
        "body": f"About {name}.",
        "components": {"api": "major_outage"},
        "started_at": started,
    }
    return NewIncident(**(values | fields))  # type: ignore[arg-type]


def maintenance(name: str, start: datetime, status: str = "scheduled") -> NewIncident:
    return incident(
        name,
        start,
        status=status,
        kind="maintenance",
        components={"web": "under_maintenance"},
        scheduled_for=start,
        scheduled_until=start + timedelta(hours=2),
    )


@pytest.fixture
async def history(db: Database) -> Database:
    """Every kind of incident the three lists tell apart, some in two of them."""
    await sync_components(db, [component("api"), component("web")], T0)
    await create_incident(db, incident("Old and still open", NOW - timedelta(days=20)), now=NOW)
    await create_incident(db, incident("Open and recent", NOW - timedelta(days=1)), now=NOW)
    resolved = await create_incident(db, incident("Fixed", NOW - timedelta(days=2)), now=NOW)
    await post_update(db, resolved, NewUpdate("resolved", "Fixed."), now=NOW)
    await create_incident(db, incident("Fixed long ago", NOW - timedelta(days=40)), now=NOW)
    await create_incident(db, incident("A draft", NOW - timedelta(hours=3), draft=True), now=NOW)
    gone = await create_incident(db, incident("Deleted", NOW - timedelta(hours=2)), now=NOW)
    await delete_incident(db, gone, now=NOW, actor="admin")
    await create_incident(db, maintenance("Later", NOW + timedelta(days=3)), now=NOW)
    await create_incident(db, maintenance("Sooner", NOW + timedelta(days=1)), now=NOW)
    await create_incident(
        db, maintenance("Now", NOW - timedelta(hours=1), status="in_progress"), now=NOW
    )
    return db


@pytest.mark.parametrize("limit", [200, 2])
async def test_the_three_lists_read_together_equal_the_three_reads(
    history: Database, limit: int
) -> None:
    together = await open_and_recent(history, since=SINCE, limit=limit)
    recent = await list_incidents(history, IncidentFilter(started_from=SINCE, limit=limit))
    assert together.unresolved == await unresolved_incidents(history)
    assert together.maintenances == await open_maintenances(history)
    assert together.recent == recent
    assert [i.name for i in together.maintenances] == ["Now", "Sooner", "Later"]
    assert len(together.recent) == min(limit, 5)


async def test_nothing_to_show_reads_three_empty_lists(db: Database) -> None:
    together = await open_and_recent(db, since=SINCE, limit=200)
    assert (together.unresolved, together.maintenances, together.recent) == ([], [], [])
