"""Writing incidents, maintenance and updates, with the status changes they make.

Each write is one transaction: the incident row, its update, the component
links and the status history rows commit together or not at all, so the page,
the feeds and uptime never see an update without its effect. Validation errors
raise `IncidentError` naming the field, which forms and the API show as is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit import INCIDENT_FIELDS, audit_incident_in, snapshot
from storage.database import Database
from storage.errors import NotFound
from storage.incidents.rules import (
    ENDING,
    INCIDENT_STATUSES,
    MAINTENANCE_STATUSES,
    IncidentError,
    NewIncident,
    NewUpdate,
    check_component_statuses,
    check_new,
    check_text,
    check_times,
    derive_impact,
    is_blank,
    storable,
    worse_impact,
    worse_status,
)
from storage.status import record_status_change_in
from storage.subscribers.fanout import queue_latest_update_in, queue_update_in
from storage.tables.incidents import Incident, IncidentComponent, IncidentUpdate
from storage.tables.monitoring import Component, StatusChange
from storage.vocabulary import (
    MAINTENANCE_UNDER_WAY,
    ComponentStatus,
    Impact,
    IncidentKind,
    IncidentStatus,
    Severity,
)

# The actor and author of what alerting writes; anything else is a person, and a
# person's first word on an incident is its acknowledgement (the response time).
AUTOMATION = "(alerting)"


def _acknowledge_if_human(incident: Incident, actor: str | None, now: datetime) -> None:
    if actor is not None and actor != AUTOMATION and incident.acknowledged_at is None:
        incident.acknowledged_at, incident.acknowledged_by = now, actor


async def known_components(session: AsyncSession, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = await session.exec(select(Component).where(col(Component.id).in_(ids)))
    found = {c.id: c.name for c in rows if c.archived_at is None}
    for component_id in ids:
        if component_id not in found:
            raise IncidentError(f"components.{component_id}", "no such component")
    return found


async def _status_now(session: AsyncSession, component_id: str, at: datetime) -> str:
    row = (
        await session.exec(
            select(StatusChange.new_status)
            .where(StatusChange.component_id == component_id, StatusChange.at <= at)
            .order_by(col(StatusChange.at).desc(), col(StatusChange.id).desc())
            .limit(1)
        )
    ).first()
    return row or ComponentStatus.OPERATIONAL


async def create_incident(
    db: Database, new: NewIncident, *, now: datetime, actor: str | None = None
) -> int:
    """Create an incident (or maintenance) with its first update; returns its id.
    With an `actor`, the audit log records it in the same transaction."""
    new = replace(new, name=storable(new.name), body=storable(new.body))
    check_new(new)
    check_times(new, now)
    started = new.started_at or now
    if started > now and new.kind == IncidentKind.INCIDENT:
        raise IncidentError("started_at", "cannot be in the future")
    async with db.write() as session:
        await known_components(session, list(new.components))
        incident = _incident_row(new, started, now)
        if new.kind == IncidentKind.INCIDENT:
            _acknowledge_if_human(incident, actor, now)
        session.add(incident)
        await session.flush()
        assert incident.id is not None
        update = NewUpdate(
            new.status, new.body, dict(new.components), new.author, new.notify_subscribers
        )
        await _add_update(session, incident, update, display_at=started, now=now)
        after = snapshot(incident, INCIDENT_FIELDS) | {"body": new.body}
        after["components"] = dict(new.components)
        audit_incident_in(session, actor, f"{new.kind}.create", incident.id, at=now, after=after)
        return incident.id


def _incident_row(new: NewIncident, started: datetime, now: datetime) -> Incident:
    maintenance = new.kind == IncidentKind.MAINTENANCE
    impact = (
        Impact(new.impact)
        if new.impact
        else (Impact.MAINTENANCE if maintenance else derive_impact(list(new.components.values())))
    )
    return Incident(
        kind=IncidentKind(new.kind),
        name=new.name.strip(),
        status=IncidentStatus(new.status),
        impact=impact,
        impact_override=new.impact is not None,
        severity=None if new.severity is None else Severity(new.severity),
        draft=new.draft,
        created_at=now,
        updated_at=now,
        started_at=new.scheduled_for if maintenance and new.scheduled_for else started,
        monitoring_at=started if new.status == IncidentStatus.MONITORING else None,
        resolved_at=started if new.status in ENDING else None,
        scheduled_for=new.scheduled_for,
        scheduled_until=new.scheduled_until,
    )


async def post_update(
    db: Database, incident_id: int, update: NewUpdate, *, now: datetime, actor: str | None = None
) -> int:
    """Add an update to an incident; returns the update's id. With an `actor`, the
    audit log records it in the same transaction."""
    update = replace(update, body=storable(update.body))
    async with db.write() as session:
        incident = await live_incident(session, incident_id)
        _acknowledge_if_human(incident, actor, now)
        allowed = (
            MAINTENANCE_STATUSES if incident.kind == IncidentKind.MAINTENANCE else INCIDENT_STATUSES
        )
        if update.status not in allowed:
            raise IncidentError("status", f"expected one of {', '.join(allowed)}")
        check_text(incident.name, update.body)
        if is_blank(update.body):
            raise IncidentError("body", "an update needs a message")
        components = await _components_for(session, incident, update)
        check_component_statuses(components)
        await known_components(session, list(components))
        effective = replace(update, components=components)
        before = snapshot(incident, INCIDENT_FIELDS)
        update_id = await _add_update(session, incident, effective, display_at=now, now=now)
        after = {"update_id": update_id, "status": update.status, "body": update.body}
        after["components"] = components
        audit_incident_in(
            session, actor, "update.post", incident_id, at=now, before=before, after=after
        )
        return update_id


async def _components_for(
    session: AsyncSession, incident: Incident, update: NewUpdate
) -> dict[str, str]:
    linked = await session.exec(
        select(IncidentComponent).where(IncidentComponent.incident_id == incident.id)
    )
    current = {link.component_id: link.status for link in linked}
    if update.components is not None:
        chosen = dict(update.components)
        if update.status in ENDING:
            # Resolving: anything the operator did not mention goes back to operational.
            chosen = dict.fromkeys(current, ComponentStatus.OPERATIONAL) | chosen
        return chosen
    if update.status in ENDING:
        return dict.fromkeys(current, ComponentStatus.OPERATIONAL)
    return {}


async def live_incident(session: AsyncSession, incident_id: int) -> Incident:
    incident = await session.get(Incident, incident_id)
    if incident is None or incident.deleted_at is not None:
        raise NotFound(f"no incident {incident_id}")
    return incident


async def _add_update(
    session: AsyncSession,
    incident: Incident,
    update: NewUpdate,
    *,
    display_at: datetime,
    now: datetime,
) -> int:
    assert incident.id is not None
    # Scheduled maintenance names its components but changes nothing until it starts.
    takes_effect = not (incident.draft or update.status == IncidentStatus.SCHEDULED)
    effects = dict(update.components or {}) if takes_effect else {}
    changes = await _affected(session, effects, display_at)
    row = IncidentUpdate(
        incident_id=incident.id,
        status=IncidentStatus(update.status),
        body=update.body,
        created_at=now,
        updated_at=now,
        display_at=display_at,
        affected_components=changes or None,
        deliver_notifications=update.notify_subscribers,
        author=update.author,
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    _advance_incident(incident, update, display_at, now)
    await _link_components(session, incident, update.components or {})
    await _apply_statuses(session, incident, effects, display_at, row.id)
    if update.notify_subscribers and not incident.draft:
        await session.flush()  # the links just made say whom the notice is for
        await queue_update_in(session, incident, row, now)
    return row.id


async def _affected(
    session: AsyncSession, components: Mapping[str, str], at: datetime
) -> list[dict[str, str]]:
    names = await known_components(session, list(components))
    changes = []
    for component_id, new_status in components.items():
        old = await _status_now(session, component_id, at)
        if old != new_status:
            changes.append(
                {
                    "code": component_id,
                    "name": names[component_id],
                    "old_status": old,
                    "new_status": new_status,
                }
            )
    return changes


def _advance_incident(
    incident: Incident, update: NewUpdate, display_at: datetime, now: datetime
) -> None:
    incident.status = IncidentStatus(update.status)
    incident.updated_at = now
    if update.status == IncidentStatus.MONITORING and incident.monitoring_at is None:
        incident.monitoring_at = display_at
    if update.status in ENDING:
        incident.resolved_at = display_at
    elif update.status != IncidentStatus.POSTMORTEM:
        incident.resolved_at = None  # reopened
    worst = [s for s in (update.components or {}).values() if s != ComponentStatus.OPERATIONAL]
    if worst and not incident.impact_override and incident.kind == IncidentKind.INCIDENT:
        incident.impact = Impact(worse_impact(incident.impact, derive_impact(worst)))


async def _link_components(
    session: AsyncSession, incident: Incident, components: Mapping[str, str]
) -> None:
    assert incident.id is not None
    for component_id, given in components.items():
        status = ComponentStatus(given)
        link = await session.get(IncidentComponent, (incident.id, component_id))
        if link is None:
            session.add(
                IncidentComponent(incident_id=incident.id, component_id=component_id, status=status)
            )
        elif incident.draft:
            if status != ComponentStatus.OPERATIONAL:
                link.status = status  # nothing has happened yet: what the draft says now
        else:
            # What the incident did to the component: the worst status it had during it,
            # kept through recovery and resolution.
            link.status = ComponentStatus(worse_status(link.status, status))


async def _apply_statuses(
    session: AsyncSession,
    incident: Incident,
    components: Mapping[str, str],
    at: datetime,
    update_id: int,
) -> None:
    source = "maintenance" if incident.kind == IncidentKind.MAINTENANCE else "manual"
    for component_id, status in components.items():
        await record_status_change_in(
            session,
            component_id,
            status,
            at=at,
            source=source,
            reason=incident.name[:200],
            incident_update_id=update_id,
        )


async def publish_incident(
    db: Database, incident_id: int, *, now: datetime, actor: str | None = None
) -> None:
    """Make a draft public; its component statuses take effect now."""
    async with db.write() as session:
        incident = await live_incident(session, incident_id)
        if not incident.draft:
            return
        incident.draft = False
        incident.updated_at = now
        _acknowledge_if_human(incident, actor, now)
        audit_incident_in(
            session, actor, "incident.publish", incident_id, at=now, after={"draft": False}
        )
        links = await session.exec(
            select(IncidentComponent).where(IncidentComponent.incident_id == incident_id)
        )
        latest = (
            await session.exec(
                select(IncidentUpdate.id)
                .where(IncidentUpdate.incident_id == incident_id)
                .order_by(col(IncidentUpdate.id).desc())
                .limit(1)
            )
        ).first()
        statuses = {link.component_id: link.status for link in links}
        if incident.status not in ENDING and latest is not None:
            await _apply_statuses(session, incident, statuses, now, latest)
        # Subscribers hear of it now that it is public, if its latest update said so.
        await queue_latest_update_in(session, incident, now)


MAINTENANCE_STARTED = "Scheduled maintenance is currently in progress."
MAINTENANCE_COMPLETED = "The scheduled maintenance has been completed."


async def advance_maintenances(db: Database, *, now: datetime) -> list[tuple[int, str]]:
    """Start maintenance whose window has opened and complete what has ended, writing
    an update for each step; returns (maintenance id, new status) pairs."""
    async with db.read() as session:
        rows = await session.exec(
            select(Incident).where(
                Incident.kind == IncidentKind.MAINTENANCE,
                col(Incident.status).in_((IncidentStatus.SCHEDULED, *MAINTENANCE_UNDER_WAY)),
                col(Incident.deleted_at).is_(None),
                col(Incident.draft).is_(False),
            )
        )
        due = [(i.id, _next_maintenance_step(i, now)) for i in rows]
    done: list[tuple[int, str]] = []
    for incident_id, step in due:
        if incident_id is None or step is None:
            continue
        status, body, component_status = step
        components = await _linked_components(db, incident_id)
        update = NewUpdate(status, body, dict.fromkeys(components, component_status))
        await post_update(db, incident_id, update, now=now)
        done.append((incident_id, status))
    return done


def _next_maintenance_step(incident: Incident, now: datetime) -> tuple[str, str, str] | None:
    until = incident.scheduled_until
    if until is not None and until <= now:
        return IncidentStatus.COMPLETED, MAINTENANCE_COMPLETED, ComponentStatus.OPERATIONAL
    start = incident.scheduled_for
    if incident.status == IncidentStatus.SCHEDULED and start is not None and start <= now:
        return IncidentStatus.IN_PROGRESS, MAINTENANCE_STARTED, ComponentStatus.UNDER_MAINTENANCE
    return None


async def _linked_components(db: Database, incident_id: int) -> list[str]:
    async with db.read() as session:
        rows = await session.exec(
            select(IncidentComponent.component_id).where(
                IncidentComponent.incident_id == incident_id
            )
        )
        return list(rows)
