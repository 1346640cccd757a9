"""Correcting incidents: edits, soft deletes, post-mortems, and the audit trail of each."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.audit import list_audit
from storage.components import sync_components
from storage.database import Database
from storage.errors import NotFound
from storage.incidents.edits import (
    AUTO_IMPACT,
    IncidentEdit,
    delete_incident,
    delete_update,
    edit_incident,
    edit_update,
    save_postmortem,
)
from storage.incidents.reads import IncidentFilter, get_incident, list_incidents
from storage.incidents.rules import IncidentError, NewIncident, NewUpdate
from storage.incidents.writes import create_incident, post_update
from storage.status import statuses_in_force
from tests.storage.builders import T0, component

LATER = T0 + timedelta(minutes=20)
MUCH_LATER = T0 + timedelta(hours=2)


@pytest.fixture
async def two(db: Database) -> Database:
    await sync_components(db, [component("api"), component("web")], T0)
    return db


def outage(**overrides: object) -> NewIncident:
    fields: dict[str, object] = {
        "name": "Database latency",
        "status": "investigating",
        "body": "We are looking into it.",
        "severity": "P1",
        "components": {"api": "major_outage"},
    }
    return NewIncident(**(fields | overrides))  # type: ignore[arg-type]


async def opened(db: Database, **overrides: object) -> int:
    return await create_incident(db, outage(**overrides), now=T0, actor="alice")


async def statuses(db: Database) -> dict[str, str]:
    return {cid: s.status for cid, s in (await statuses_in_force(db)).items()}


async def actions(db: Database) -> list[str]:
    return [e.action for e in reversed((await list_audit(db)).entries)]


async def test_creating_with_an_actor_writes_an_audit_entry_with_the_new_incident(
    two: Database,
) -> None:
    incident_id = await opened(two)
    (entry,) = (await list_audit(two)).entries
    assert (entry.actor, entry.action, entry.target) == (
        "alice",
        "incident.create",
        f"incident:{incident_id}",
    )
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["name"] == "Database latency"
    assert entry.after["components"] == {"api": "major_outage"}


async def test_posting_an_update_with_an_actor_records_the_status_before_and_after(
    two: Database,
) -> None:
    incident_id = await opened(two)
    await post_update(
        two, incident_id, NewUpdate("identified", "Found it."), now=LATER, actor="bob"
    )
    entry = (await list_audit(two)).entries[0]
    assert (entry.actor, entry.action) == ("bob", "update.post")
    assert entry.before is not None
    assert entry.before["status"] == "investigating"
    assert entry.after is not None
    assert entry.after["status"] == "identified"


async def test_editing_an_incident_changes_its_name_severity_and_impact(two: Database) -> None:
    incident_id = await opened(two)
    edit = IncidentEdit(name="Slow database", severity="P0", impact="minor")
    await edit_incident(two, incident_id, edit, now=LATER, actor="alice")
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert (incident.name, incident.severity, incident.impact) == ("Slow database", "P0", "minor")
    assert incident.impact_override
    entry = (await list_audit(two)).entries[0]
    assert entry.action == "incident.edit"
    assert entry.before is not None
    assert entry.before["name"] == "Database latency"
    assert entry.after is not None
    assert entry.after["name"] == "Slow database"


async def test_an_automatic_impact_is_derived_from_the_components_again(two: Database) -> None:
    incident_id = await opened(two, impact="none")
    await edit_incident(two, incident_id, IncidentEdit(impact=AUTO_IMPACT), now=LATER, actor="a")
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert (incident.impact, incident.impact_override) == ("critical", False)


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (IncidentEdit(name="  "), "name"),
        (IncidentEdit(severity="P7"), "severity"),
        (IncidentEdit(impact="apocalyptic"), "impact"),
        (IncidentEdit(scheduled_for=T0), "scheduled_for"),
    ],
)
async def test_a_bad_edit_is_refused_by_field_and_changes_nothing(
    two: Database, edit: IncidentEdit, field: str
) -> None:
    incident_id = await opened(two)
    with pytest.raises(IncidentError) as caught:
        await edit_incident(two, incident_id, edit, now=LATER, actor="alice")
    assert caught.value.field == field
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert (incident.name, incident.severity) == ("Database latency", "P1")
    assert await actions(two) == ["incident.create"]


async def test_an_edit_that_changes_nothing_is_not_audited(two: Database) -> None:
    incident_id = await opened(two)
    await edit_incident(
        two, incident_id, IncidentEdit(name="Database latency"), now=LATER, actor="a"
    )
    assert await actions(two) == ["incident.create"]


async def test_editing_an_update_changes_its_text_and_moves_the_incident_on(two: Database) -> None:
    incident_id = await opened(two)
    incident = await get_incident(two, incident_id)
    assert incident is not None
    update_id = incident.updates[0].id
    await edit_update(two, update_id, body="Corrected text.", now=LATER, actor="alice")
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert incident.updates[0].body == "Corrected text."
    assert incident.updates[0].updated_at == LATER
    assert incident.last_changed_at == LATER
    assert (await actions(two))[-1] == "update.edit"


async def test_swapping_the_latest_updates_open_status_moves_the_incident_too(
    two: Database,
) -> None:
    incident_id = await opened(two)
    incident = await get_incident(two, incident_id)
    assert incident is not None
    await edit_update(two, incident.updates[0].id, status="identified", now=LATER, actor="a")
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert (incident.status, incident.updates[0].status) == ("identified", "identified")


async def test_resolving_by_editing_an_update_is_refused(two: Database) -> None:
    incident_id = await opened(two)
    incident = await get_incident(two, incident_id)
    assert incident is not None
    with pytest.raises(IncidentError) as caught:
        await edit_update(two, incident.updates[0].id, status="resolved", now=LATER, actor="a")
    assert caught.value.field == "status"
    assert await statuses(two) == {"api": "major_outage"}


async def test_an_update_of_another_incident_is_not_found(two: Database) -> None:
    first, second = await opened(two), await opened(two, name="Other")
    incident = await get_incident(two, first)
    assert incident is not None
    with pytest.raises(NotFound):
        await delete_update(two, incident.updates[0].id, now=LATER, actor="a", incident_id=second)


async def test_a_deleted_update_leaves_the_timeline_but_not_the_statuses(two: Database) -> None:
    incident_id = await opened(two)
    update_id = await post_update(two, incident_id, NewUpdate("identified", "Oops"), now=LATER)
    await delete_update(two, update_id, now=MUCH_LATER, actor="alice")
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert [u.status for u in incident.updates] == ["investigating"]
    assert await statuses(two) == {"api": "major_outage"}
    assert (await actions(two))[-1] == "update.delete"


async def test_deleting_an_open_incident_hands_its_components_back(two: Database) -> None:
    incident_id = await opened(two)
    await delete_incident(two, incident_id, now=LATER, actor="alice")
    assert await get_incident(two, incident_id) is None
    assert await statuses(two) == {"api": "operational"}
    deleted = await list_incidents(two, IncidentFilter(include_deleted=True))
    assert [i.id for i in deleted] == [incident_id]
    entry = (await list_audit(two)).entries[0]
    assert entry.action == "incident.delete"
    assert entry.after is not None
    assert entry.after["components_restored"] == ["api"]


async def test_deleting_leaves_alone_a_component_another_incident_has_since_set(
    two: Database,
) -> None:
    first = await opened(two)
    await opened(two, name="Second", components={"api": "partial_outage"})
    await delete_incident(two, first, now=LATER, actor="alice")
    assert await statuses(two) == {"api": "partial_outage"}


async def test_a_post_mortem_needs_a_resolved_incident(two: Database) -> None:
    incident_id = await opened(two)
    with pytest.raises(IncidentError) as caught:
        await save_postmortem(two, incident_id, "Why", publish=True, now=LATER, actor="a")
    assert caught.value.field == "postmortem_body"


async def test_a_saved_post_mortem_stays_private_until_published(two: Database) -> None:
    incident_id = await opened(two)
    await post_update(two, incident_id, NewUpdate("resolved", "Fixed."), now=LATER)
    await save_postmortem(two, incident_id, "Draft", publish=False, now=LATER, actor="a")
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert (incident.status, incident.postmortem_published_at) == ("resolved", None)
    await save_postmortem(two, incident_id, "Root cause", publish=True, now=MUCH_LATER, actor="a")
    incident = await get_incident(two, incident_id)
    assert incident is not None
    assert incident.status == "postmortem"
    assert incident.postmortem_body == "Root cause"
    assert incident.postmortem_published_at == MUCH_LATER
    assert (await actions(two))[-2:] == ["postmortem.save", "postmortem.publish"]


async def test_moving_a_maintenance_window_that_has_not_started(two: Database) -> None:
    start, end = T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    maintenance_id = await create_incident(
        two,
        NewIncident(
            name="Upgrade", status="scheduled", body="", kind="maintenance",
            components={"api": "under_maintenance"}, scheduled_for=start, scheduled_until=end,
        ),
        now=T0,
    )  # fmt: skip
    later_end = end + timedelta(hours=1)
    await edit_incident(
        two, maintenance_id, IncidentEdit(scheduled_until=later_end), now=LATER, actor="a"
    )
    maintenance = await get_incident(two, maintenance_id)
    assert maintenance is not None
    assert (maintenance.scheduled_for, maintenance.scheduled_until) == (start, later_end)


async def test_asked_for_recent_resolutions_the_limit_keeps_the_latest_resolved(
    two: Database,
) -> None:
    long_running = await create_incident(two, outage(name="Long"), now=T0, actor="a")
    short = await create_incident(two, outage(name="Short"), now=LATER, actor="a")
    await post_update(two, short, NewUpdate("resolved", "Fixed."), now=LATER)
    await post_update(two, long_running, NewUpdate("resolved", "Fixed."), now=MUCH_LATER)
    found = await list_incidents(two, IncidentFilter(resolved_from=T0, limit=1))
    assert [i.id for i in found] == [long_running]  # it started first but ended last
