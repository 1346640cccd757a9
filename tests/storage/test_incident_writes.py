"""Incidents and maintenance: each write and the status history it leaves behind."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.components import sync_components
from storage.database import Database
from storage.incidents.reads import get_incident, open_maintenances, unresolved_incidents
from storage.incidents.rules import IncidentError, NewIncident, NewUpdate
from storage.incidents.writes import (
    advance_maintenances,
    create_incident,
    post_update,
    publish_incident,
)
from storage.status import statuses_in_force
from tests.storage.builders import T0, component

LATER = T0 + timedelta(minutes=20)


@pytest.fixture
async def two(db: Database) -> Database:
    await sync_components(db, [component("api"), component("web")], T0)
    return db


def outage(**overrides: object) -> NewIncident:
    fields: dict[str, object] = {
        "name": "Database latency",
        "status": "investigating",
        "body": "We are **looking** into it.",
        "severity": "P1",
        "components": {"api": "major_outage", "web": "degraded_performance"},
    }
    return NewIncident(**(fields | overrides))  # type: ignore[arg-type]


async def statuses(db: Database) -> dict[str, tuple[str, str]]:
    return {cid: (s.status, s.source) for cid, s in (await statuses_in_force(db)).items()}


async def test_creating_an_incident_sets_its_components_and_derives_the_impact(
    two: Database,
) -> None:
    incident_id = await create_incident(two, outage(), now=T0)
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert incident.impact == "critical"
    assert incident.severity == "P1"
    assert incident.components == {"api": "major_outage", "web": "degraded_performance"}
    assert await statuses(two) == {
        "api": ("major_outage", "manual"),
        "web": ("degraded_performance", "manual"),
    }


async def test_the_first_update_records_which_components_changed(two: Database) -> None:
    incident = await get_incident(two, await create_incident(two, outage(), now=T0))
    assert incident is not None
    (update,) = incident.updates
    assert update.affected_components is not None
    assert {a["code"]: (a["old_status"], a["new_status"]) for a in update.affected_components} == {
        "api": ("operational", "major_outage"),
        "web": ("operational", "degraded_performance"),
    }


async def test_resolving_sets_affected_components_back_to_operational(two: Database) -> None:
    incident_id = await create_incident(two, outage(), now=T0)
    await post_update(two, incident_id, NewUpdate("resolved", "Fixed."), now=LATER)
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert incident.status == "resolved"
    assert incident.resolved_at == LATER
    assert [u.status for u in incident.updates] == ["resolved", "investigating"]
    assert await statuses(two) == {
        "api": ("operational", "manual"),
        "web": ("operational", "manual"),
    }
    assert await unresolved_incidents(two) == []


async def test_a_draft_changes_nothing_until_published(two: Database) -> None:
    incident_id = await create_incident(two, outage(draft=True), now=T0)
    assert await statuses(two) == {}
    assert await get_incident(two, incident_id) is None
    await publish_incident(two, incident_id, now=LATER)
    assert (await statuses(two))["api"] == ("major_outage", "manual")


async def test_a_back_dated_incident_starts_when_it_started(two: Database) -> None:
    incident_id = await create_incident(two, outage(started_at=T0), now=LATER)
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert incident.started_at == T0
    assert (await statuses_in_force(two))["api"].at == T0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": " "}, "name"),
        ({"status": "resolvedd"}, "status"),
        ({"severity": "P9"}, "severity"),
        ({"components": {"nope": "major_outage"}}, "components.nope"),
        ({"components": {"api": "on_fire"}}, "components.api"),
        ({"body": ""}, "body"),
    ],
)
async def test_a_bad_field_is_refused_by_name_and_nothing_is_written(
    two: Database, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(IncidentError) as caught:
        await create_incident(two, outage(**overrides), now=T0)
    assert caught.value.field == field
    assert await unresolved_incidents(two) == []
    assert await statuses(two) == {}


async def test_hostile_text_is_stored_exactly_as_written(two: Database) -> None:
    hostile = "<script>alert(1)</script>'; DROP TABLE incidents; --\x07"
    incident_id = await create_incident(two, outage(name=hostile, body=hostile), now=T0)
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert incident.name == hostile
    assert incident.updates[0].body == hostile


async def test_maintenance_runs_on_its_own_at_the_window_edges(two: Database) -> None:
    start, end = T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    maintenance = NewIncident(
        name="Database upgrade",
        status="scheduled",
        body="Upgrading MongoDB.",
        kind="maintenance",
        components={"api": "under_maintenance"},
        scheduled_for=start,
        scheduled_until=end,
    )
    maintenance_id = await create_incident(two, maintenance, now=T0)
    assert await statuses(two) == {}
    assert await advance_maintenances(two, now=T0 + timedelta(minutes=30)) == []
    assert await advance_maintenances(two, now=start) == [(maintenance_id, "in_progress")]
    assert await statuses(two) == {"api": ("under_maintenance", "maintenance")}
    assert await advance_maintenances(two, now=end) == [(maintenance_id, "completed")]
    assert await statuses(two) == {"api": ("operational", "maintenance")}
    assert await open_maintenances(two) == []


async def test_text_no_database_can_store_is_replaced_not_refused(two: Database) -> None:
    incident_id = await create_incident(two, outage(name="a\ud800b\x00c"), now=T0)
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert incident.name == "a\ufffdbc"
