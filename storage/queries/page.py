"""What the page's header and the v2 API's `updated_at` fields read: when each
component's status last changed, and the newest public incident edit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from storage.database import Database
from storage.tables.incidents import Incident, IncidentUpdate
from storage.tables.monitoring import Component, StatusChange


async def status_changed_at(db: Database) -> dict[str, datetime]:
    """When each component's status last changed: its v2 `updated_at` moves with it."""
    query = select(StatusChange.component_id, func.max(StatusChange.at)).group_by(
        col(StatusChange.component_id)
    )
    async with db.read() as session:
        return {cid: at for cid, at in await session.exec(query) if at is not None}


async def page_updated_at(db: Database) -> datetime | None:
    """When anything the page shows last changed: a component's row or status, or a
    public incident. None on a database with nothing in it yet."""
    async with db.read() as session:
        rows = (await session.exec(select(func.max(Component.updated_at)))).one()
    moments = [rows, *(await status_changed_at(db)).values(), await latest_incident_change(db)]
    found = [m for m in moments if m is not None]
    return max(found) if found else None


async def latest_incident_change(db: Database) -> datetime | None:
    """The newest edit of a public incident or of one of its updates."""
    public = (col(Incident.draft).is_(False), col(Incident.deleted_at).is_(None))
    incidents = select(func.max(Incident.updated_at)).where(*public)
    updates = (
        select(func.max(IncidentUpdate.updated_at))
        .join(Incident, col(Incident.id) == col(IncidentUpdate.incident_id))
        .where(*public, col(IncidentUpdate.deleted_at).is_(None))
    )
    async with db.read() as session:
        found = [
            (await session.exec(incidents)).one(),
            (await session.exec(updates)).one(),
        ]
    moments = [m for m in found if m is not None]
    return max(moments) if moments else None
