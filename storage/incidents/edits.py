"""Correcting what was said: edit or delete incidents and updates, write post-mortems.

Split from `storage.incidents.writes`, which says new things; this module changes
what has been said. Each function is one transaction that also writes its audit
entry (`before` and `after` as JSON), so a correction can always be traced.

Deleting is soft: rows get `deleted_at` and drop out of every public view. An
update's status effects are history (the page did show them), so deleting an
update leaves component statuses alone; deleting an open incident hands back
the components it still holds, since nothing else would ever clear them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit import INCIDENT_FIELDS, UPDATE_FIELDS, audit_incident_in, snapshot
from storage.database import Database
from storage.errors import NotFound
from storage.incidents.rules import (
    ENDING,
    MAX_BODY,
    IncidentError,
    check_text,
    check_time_range,
    check_window,
    derive_impact,
    is_blank,
    storable,
)
from storage.incidents.writes import live_incident
from storage.status import record_status_change_in
from storage.tables.incidents import Incident, IncidentComponent, IncidentUpdate
from storage.tables.monitoring import StatusChange
from storage.vocabulary import (
    MAINTENANCE_UNDER_WAY,
    UNRESOLVED_INCIDENT,
    ComponentStatus,
    Impact,
    IncidentKind,
    IncidentStatus,
    Severity,
)

AUTO_IMPACT = "auto"  # IncidentEdit.impact: derive it from the components again
NO_SEVERITY = ""  # IncidentEdit.severity: clear it
# Statuses an edit may swap between: a mis-click among these changes no component.
# Resolving or reopening changes components, so it takes a new update.
_SWAPPABLE = frozenset((*UNRESOLVED_INCIDENT, *MAINTENANCE_UNDER_WAY))


@dataclass(frozen=True, slots=True)
class IncidentEdit:
    """Fields to change; None leaves a field as it is."""

    name: str | None = None
    severity: str | None = None  # P0..P3, or NO_SEVERITY
    impact: str | None = None  # an Impact, or AUTO_IMPACT
    scheduled_for: datetime | None = None  # maintenance that has not started only
    scheduled_until: datetime | None = None


async def edit_incident(
    db: Database, incident_id: int, edit: IncidentEdit, *, now: datetime, actor: str
) -> None:
    async with db.write() as session:
        incident = await live_incident(session, incident_id)
        before = snapshot(incident, INCIDENT_FIELDS)
        if edit.name is not None:
            check_text(edit.name, "")
            incident.name = storable(edit.name.strip())
        if edit.severity is not None:
            _set_severity(incident, edit.severity)
        if edit.impact is not None:
            await _set_impact(session, incident, edit.impact)
        if edit.scheduled_for is not None or edit.scheduled_until is not None:
            _set_window(incident, edit, now)
        after = snapshot(incident, INCIDENT_FIELDS)
        if after != before:
            incident.updated_at = now
            action = f"{incident.kind}.edit"
            audit_incident_in(
                session, actor, action, incident_id, at=now, before=before, after=after
            )


def _set_severity(incident: Incident, severity: str) -> None:
    if severity == NO_SEVERITY:
        incident.severity = None
        return
    if incident.kind != IncidentKind.INCIDENT:
        raise IncidentError("severity", "maintenance has no severity")
    if severity not in set(Severity):
        raise IncidentError("severity", "expected P0, P1, P2 or P3")
    incident.severity = Severity(severity)


async def _set_impact(session: AsyncSession, incident: Incident, impact: str) -> None:
    if impact == AUTO_IMPACT:
        links = await session.exec(
            select(IncidentComponent.status).where(IncidentComponent.incident_id == incident.id)
        )
        derived = derive_impact(list(links))
        maintenance = incident.kind == IncidentKind.MAINTENANCE
        incident.impact = Impact.MAINTENANCE if maintenance and derived == Impact.NONE else derived
        incident.impact_override = False
        return
    if impact not in set(Impact):
        raise IncidentError("impact", "expected auto, none, minor, major, critical or maintenance")
    incident.impact, incident.impact_override = Impact(impact), True


def _set_window(incident: Incident, edit: IncidentEdit, now: datetime) -> None:
    if incident.kind != IncidentKind.MAINTENANCE or incident.status != IncidentStatus.SCHEDULED:
        raise IncidentError("scheduled_for", "only maintenance that has not started can move")
    start = edit.scheduled_for or incident.scheduled_for
    end = edit.scheduled_until or incident.scheduled_until
    check_time_range("scheduled_for", edit.scheduled_for, now)
    check_time_range("scheduled_until", edit.scheduled_until, now)
    check_window(start, end)
    incident.scheduled_for, incident.scheduled_until = start, end
    if start is not None:
        incident.started_at = start


async def edit_update(
    db: Database,
    update_id: int,
    *,
    body: str | None = None,
    status: str | None = None,
    now: datetime,
    actor: str,
    incident_id: int | None = None,
) -> None:
    """Change an update's text, or swap its status among the unresolved ones (on the
    latest update the incident follows). `incident_id`, when given, must match."""
    async with db.write() as session:
        update, incident = await _live_update(session, update_id, incident_id)
        before = snapshot(update, UPDATE_FIELDS)
        if body is not None:
            _check_body(incident, body)
            update.body = storable(body)
        if status is not None and status != update.status:
            await _swap_status(session, incident, update, status)
        after = snapshot(update, UPDATE_FIELDS)
        if after != before:
            update.updated_at = incident.updated_at = now
            audit_incident_in(
                session, actor, "update.edit", incident.id, at=now, before=before, after=after
            )


def _check_body(incident: Incident, body: str) -> None:
    check_text(incident.name, body)
    if is_blank(body):
        raise IncidentError("body", "an update needs a message")


async def _swap_status(
    session: AsyncSession, incident: Incident, update: IncidentUpdate, status: str
) -> None:
    if update.status not in _SWAPPABLE or status not in _SWAPPABLE:
        raise IncidentError(
            "status", "only an open status can be corrected; post a new update to resolve or reopen"
        )
    if (status in UNRESOLVED_INCIDENT) != (incident.kind == IncidentKind.INCIDENT):
        raise IncidentError("status", f"{status!r} is not a status of this kind of event")
    update.status = IncidentStatus(status)
    if await _latest_update_id(session, incident) == update.id:
        incident.status = IncidentStatus(status)
        if status == IncidentStatus.MONITORING and incident.monitoring_at is None:
            incident.monitoring_at = update.display_at


async def delete_update(
    db: Database, update_id: int, *, now: datetime, actor: str, incident_id: int | None = None
) -> None:
    async with db.write() as session:
        update, incident = await _live_update(session, update_id, incident_id)
        before = snapshot(update, UPDATE_FIELDS)
        update.deleted_at = update.updated_at = incident.updated_at = now
        after = snapshot(update, UPDATE_FIELDS)
        audit_incident_in(
            session, actor, "update.delete", incident.id, at=now, before=before, after=after
        )


async def delete_incident(db: Database, incident_id: int, *, now: datetime, actor: str) -> None:
    async with db.write() as session:
        incident = await live_incident(session, incident_id)
        before = snapshot(incident, INCIDENT_FIELDS)
        restored: list[str] = []
        if not incident.draft and incident.status not in (*ENDING, IncidentStatus.POSTMORTEM):
            restored = await _hand_back_components(session, incident, now)
        incident.deleted_at = incident.updated_at = now
        after = snapshot(incident, INCIDENT_FIELDS) | {"components_restored": restored}
        action = f"{incident.kind}.delete"
        audit_incident_in(session, actor, action, incident_id, at=now, before=before, after=after)


async def _hand_back_components(
    session: AsyncSession, incident: Incident, now: datetime
) -> list[str]:
    """Set to operational each component whose status in force this incident set."""
    own_updates = set(
        await session.exec(
            select(IncidentUpdate.id).where(IncidentUpdate.incident_id == incident.id)
        )
    )
    links = await session.exec(
        select(IncidentComponent.component_id).where(IncidentComponent.incident_id == incident.id)
    )
    restored = []
    for component_id in sorted(links):
        latest = await session.exec(
            select(StatusChange.incident_update_id)
            .where(StatusChange.component_id == component_id, StatusChange.at <= now)
            .order_by(col(StatusChange.at).desc(), col(StatusChange.id).desc())
            .limit(1)
        )
        setter = latest.first()
        if setter is None or setter not in own_updates:
            continue
        source = "maintenance" if incident.kind == IncidentKind.MAINTENANCE else "manual"
        reason = f"{incident.name[:180]} (deleted)"
        if await record_status_change_in(
            session, component_id, ComponentStatus.OPERATIONAL, at=now, source=source, reason=reason
        ):
            restored.append(component_id)
    return restored


async def save_postmortem(
    db: Database, incident_id: int, body: str, *, publish: bool, now: datetime, actor: str
) -> None:
    """Save a resolved incident's post-mortem; `publish` makes it public (status
    "postmortem"). A published post-mortem stays published when edited."""
    body = storable(body)
    async with db.write() as session:
        incident = await live_incident(session, incident_id)
        if incident.kind != IncidentKind.INCIDENT or incident.status not in (
            IncidentStatus.RESOLVED,
            IncidentStatus.POSTMORTEM,
        ):
            raise IncidentError("postmortem_body", "only a resolved incident has a post-mortem")
        if len(body) > MAX_BODY:
            raise IncidentError("postmortem_body", f"at most {MAX_BODY} characters")
        # A published post-mortem stays published when saved, so it may not be emptied.
        if is_blank(body) and (publish or incident.postmortem_published_at is not None):
            raise IncidentError("postmortem_body", "a published post-mortem needs text")
        before = snapshot(incident, INCIDENT_FIELDS)
        incident.postmortem_body = body
        if publish and incident.postmortem_published_at is None:
            incident.status, incident.postmortem_published_at = IncidentStatus.POSTMORTEM, now
        incident.updated_at = now
        after = snapshot(incident, INCIDENT_FIELDS)
        action = "postmortem.publish" if publish else "postmortem.save"
        audit_incident_in(session, actor, action, incident_id, at=now, before=before, after=after)


async def _live_update(
    session: AsyncSession, update_id: int, incident_id: int | None
) -> tuple[IncidentUpdate, Incident]:
    update = await session.get(IncidentUpdate, update_id)
    if update is None or update.deleted_at is not None:
        raise NotFound(f"no update {update_id}")
    if incident_id is not None and update.incident_id != incident_id:
        raise NotFound(f"no update {update_id} on incident {incident_id}")
    return update, await live_incident(session, update.incident_id)


async def _latest_update_id(session: AsyncSession, incident: Incident) -> int | None:
    return (
        await session.exec(
            select(IncidentUpdate.id)
            .where(
                IncidentUpdate.incident_id == incident.id, col(IncidentUpdate.deleted_at).is_(None)
            )
            .order_by(col(IncidentUpdate.display_at).desc(), col(IncidentUpdate.id).desc())
            .limit(1)
        )
    ).first()
