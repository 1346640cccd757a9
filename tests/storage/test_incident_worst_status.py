"""What an incident did to each component: the worst status it had during the incident."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.components import sync_components
from storage.database import Database
from storage.incidents.reads import get_incident
from storage.incidents.rules import NewIncident, NewUpdate, worse_status
from storage.incidents.writes import create_incident, post_update, publish_incident
from tests.storage.builders import T0, component


@pytest.fixture
async def two(db: Database) -> Database:
    await sync_components(db, [component("api"), component("web")], T0)
    return db


async def components_of(db: Database, incident_id: int) -> dict[str, str]:
    incident = await get_incident(db, incident_id, include_drafts=True)
    assert incident is not None
    return incident.components


async def say(db: Database, incident_id: int, minutes: int, status: str, **components: str) -> None:
    update = NewUpdate(status, "An update.", components or None)
    await post_update(db, incident_id, update, now=T0 + timedelta(minutes=minutes))


async def test_a_resolved_incident_keeps_the_worst_status_not_the_last_one(two: Database) -> None:
    new = NewIncident(
        "Slow API", "investigating", "Looking.", components={"api": "degraded_performance"}
    )
    incident_id = await create_incident(two, new, now=T0)
    await say(two, incident_id, 10, "identified", api="major_outage")
    await say(two, incident_id, 20, "monitoring", api="degraded_performance")
    await say(two, incident_id, 30, "resolved")
    assert await components_of(two, incident_id) == {"api": "major_outage"}


async def test_each_component_keeps_its_own_worst(two: Database) -> None:
    new = NewIncident(
        "Outage", "investigating", "Looking.",
        components={"api": "partial_outage", "web": "degraded_performance"},
    )  # fmt: skip
    incident_id = await create_incident(two, new, now=T0)
    await say(two, incident_id, 10, "identified", api="degraded_performance", web="major_outage")
    await say(two, incident_id, 20, "resolved")
    assert await components_of(two, incident_id) == {"api": "partial_outage", "web": "major_outage"}


async def test_a_draft_shows_what_it_says_now_since_nothing_has_happened(two: Database) -> None:
    new = NewIncident(
        "Planned words", "investigating", "Draft.", components={"api": "major_outage"}, draft=True
    )
    incident_id = await create_incident(two, new, now=T0)
    await say(two, incident_id, 5, "investigating", api="degraded_performance")
    assert await components_of(two, incident_id) == {"api": "degraded_performance"}
    await publish_incident(two, incident_id, now=T0 + timedelta(minutes=6), actor="test")
    assert await components_of(two, incident_id) == {"api": "degraded_performance"}


@pytest.mark.parametrize(
    ("a", "b", "worse"),
    [
        ("operational", "degraded_performance", "degraded_performance"),
        ("under_maintenance", "degraded_performance", "degraded_performance"),
        ("major_outage", "partial_outage", "major_outage"),
        ("partial_outage", "degraded_performance", "partial_outage"),
        ("operational", "under_maintenance", "under_maintenance"),
        ("major_outage", "major_outage", "major_outage"),
    ],
)
def test_statuses_rank_from_operational_to_major_outage(a: str, b: str, worse: str) -> None:
    assert worse_status(a, b) == worse_status(b, a) == worse
