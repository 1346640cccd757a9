"""A group's episodes on a real database: the critical alerts ending while a warning
holds the group open end the critical episode (and its acknowledgement), and their
return starts a new one, opened then, unacknowledged, with no incident yet."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.alerts.reads import get_group
from storage.alerts.writes import AlertStep, GroupChange, GroupEvent, acknowledge, apply_steps
from storage.alerts.writes import link_incident as link
from storage.audit import list_audit
from storage.database import Database
from storage.incidents.rules import NewIncident
from storage.incidents.writes import AUTOMATION, create_incident
from storage.vocabulary import AlertSeverity, AlertState, IncidentStatus
from tests.storage.builders import T0

CRITICAL, WARNING = AlertSeverity.CRITICAL, AlertSeverity.WARNING
FIRING, RESOLVED = AlertState.FIRING, AlertState.RESOLVED


def step(rule: str, severity: AlertSeverity, state: AlertState, at: datetime) -> AlertStep:
    return AlertStep(rule, "component:api", severity, "api", state, at, fired_at=at)


async def apply(db: Database, at: datetime, *steps: AlertStep) -> list[GroupEvent]:
    return await apply_steps(db, steps, now=at)


async def first_outage(db: Database) -> int:
    """error-rate-critical and a slow burn fire at T0; alice acknowledges at +1 min;
    the critical alert resolves at +10 min. Returns the group's id."""
    firing = step("burn", WARNING, FIRING, T0), step("errors", CRITICAL, FIRING, T0)
    group = (await apply(db, T0, *firing))[0].group_id
    errors = next(a for a in (await get_group(db, group)).alerts if a.rule == "errors")
    await acknowledge(db, errors.id, actor="alice", now=T0 + timedelta(minutes=1))
    return group


async def test_the_critical_alerts_ending_under_a_warning_lower_the_group(db: Database) -> None:
    group = await first_outage(db)
    at = T0 + timedelta(minutes=10)
    (event,) = await apply(db, at, step("errors", CRITICAL, RESOLVED, T0))
    assert (event.change, event.before, event.severity) == (GroupChange.LOWERED, CRITICAL, WARNING)
    view = await get_group(db, group)
    assert (view.severity, view.acknowledged_at, view.resolved_at) == (WARNING, None, None)


async def test_the_acknowledgement_ending_is_audited(db: Database) -> None:
    group = await first_outage(db)
    await apply(db, T0 + timedelta(minutes=10), step("errors", CRITICAL, RESOLVED, T0))
    entry = (await list_audit(db)).entries[0]
    assert (entry.action, entry.actor) == ("alert_group.acknowledgement_ended", AUTOMATION)
    assert entry.target == f"alert_group:{group}"
    assert entry.before is not None
    assert entry.before["acknowledged_by"] == "alice"


async def test_the_critical_coming_back_is_a_new_episode(db: Database) -> None:
    group = await first_outage(db)
    incident = await create_incident(
        db,
        NewIncident("API is failing", IncidentStatus.INVESTIGATING, "Down.", draft=True),
        now=T0,
        actor=AUTOMATION,
    )
    await link(db, group, incident)
    await apply(db, T0 + timedelta(minutes=10), step("errors", CRITICAL, RESOLVED, T0))
    again = T0 + timedelta(minutes=30)
    (event,) = await apply(db, again, step("errors", CRITICAL, FIRING, again))
    assert (event.change, event.severity, event.opened_at) == (GroupChange.RAISED, CRITICAL, again)
    assert event.incident_id is None
    view = await get_group(db, group)
    assert (view.opened_at, view.acknowledged_at, view.incident_id) == (again, None, None)


async def test_an_acknowledgement_of_the_warning_left_does_not_cover_the_new_episode(
    db: Database,
) -> None:
    group = await first_outage(db)
    await apply(db, T0 + timedelta(minutes=10), step("errors", CRITICAL, RESOLVED, T0))
    burn = next(a for a in (await get_group(db, group)).alerts if a.rule == "burn")
    await acknowledge(db, burn.id, actor="bob", now=T0 + timedelta(minutes=11))
    again = T0 + timedelta(minutes=30)
    await apply(db, again, step("errors", CRITICAL, FIRING, again))
    assert (await get_group(db, group)).acknowledged_by is None


async def test_a_first_rise_from_warning_to_critical_keeps_the_episode(db: Database) -> None:
    await apply(db, T0, step("burn", WARNING, FIRING, T0))
    later = T0 + timedelta(minutes=5)
    (event,) = await apply(db, later, step("errors", CRITICAL, FIRING, later))
    assert (event.change, event.opened_at) == (GroupChange.RAISED, T0)


async def test_a_critical_alert_ends_an_acknowledgement_given_to_the_warning(
    db: Database,
) -> None:
    (fired,) = await apply(db, T0, step("burn", WARNING, FIRING, T0))
    (burn,) = (await get_group(db, fired.group_id)).alerts
    await acknowledge(db, burn.id, actor="alice", now=T0 + timedelta(minutes=1))
    later = T0 + timedelta(minutes=5)
    (event,) = await apply(db, later, step("errors", CRITICAL, FIRING, later))
    assert (event.change, event.opened_at) == (GroupChange.RAISED, T0)
    group = await get_group(db, fired.group_id)
    assert (group.acknowledged_by, group.acknowledged_at) == (None, None)
    entry = (await list_audit(db)).entries[0]
    assert (entry.action, entry.actor) == ("alert_group.acknowledgement_ended", AUTOMATION)
    assert entry.before is not None
    assert entry.after is not None
    assert entry.before["acknowledged_by"] == "alice"
    assert entry.after["reason"] == "a critical alert fired"
