"""Reading incidents and maintenance as plain, immutable views.

Pages, feeds, the JSON API and the export all read incidents through these
functions, so they can never disagree about what was said and when. Updates are
newest first, as the Statuspage API and feeds order them. Soft-deleted rows and
drafts are left out unless asked for (the admin area asks).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Row, bindparam, literal_column, union_all
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from storage.database import Database
from storage.sql import core_rows, table_of
from storage.tables.incidents import Incident, IncidentComponent, IncidentUpdate
from storage.vocabulary import IncidentKind, IncidentStatus


@dataclass(frozen=True, slots=True)
class UpdateView:
    id: int
    incident_id: int
    status: str
    body: str  # Markdown source
    created_at: datetime
    updated_at: datetime
    display_at: datetime
    affected_components: tuple[dict[str, str], ...] | None
    deliver_notifications: bool
    author: str | None


@dataclass(frozen=True, slots=True)
class IncidentView:
    id: int
    kind: str
    name: str
    status: str
    impact: str
    impact_override: bool
    severity: str | None
    draft: bool
    created_at: datetime
    updated_at: datetime
    started_at: datetime
    monitoring_at: datetime | None
    resolved_at: datetime | None
    scheduled_for: datetime | None
    scheduled_until: datetime | None
    postmortem_body: str | None
    postmortem_published_at: datetime | None
    updates: tuple[UpdateView, ...]  # newest first
    components: dict[str, str]  # component id -> the worst status the incident gave it
    acknowledged_at: datetime | None = None  # a person's first action on it
    acknowledged_by: str | None = None

    @property
    def is_maintenance(self) -> bool:
        return self.kind == IncidentKind.MAINTENANCE

    @property
    def latest_update(self) -> UpdateView | None:
        return self.updates[0] if self.updates else None

    @property
    def last_changed_at(self) -> datetime:
        """When anything a reader sees last changed: the feeds' item date."""
        moments = [self.updated_at, *(u.updated_at for u in self.updates)]
        return max(moments)


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    kinds: tuple[str, ...] = (IncidentKind.INCIDENT, IncidentKind.MAINTENANCE)
    statuses: tuple[str, ...] | None = None
    include_drafts: bool = False
    include_deleted: bool = False
    started_from: datetime | None = None
    started_before: datetime | None = None
    resolved_from: datetime | None = None  # resolved at or after this moment
    component_id: str | None = None
    limit: int | None = None


async def list_incidents(db: Database, where: IncidentFilter | None = None) -> list[IncidentView]:
    """Incidents matching `where`, newest start first (maintenance: newest window first)."""
    async with db.read() as session:
        incidents = list(await session.exec(_incident_query(where or IncidentFilter())))
        return await _views(session, incidents)


async def get_incident(
    db: Database, incident_id: int, *, include_drafts: bool = False
) -> IncidentView | None:
    async with db.read() as session:
        incident = await session.get(Incident, incident_id)
        if incident is None or incident.deleted_at is not None:
            return None
        if incident.draft and not include_drafts:
            return None
        return (await _views(session, [incident]))[0]


async def unresolved_incidents(db: Database) -> list[IncidentView]:
    unresolved = (
        IncidentStatus.INVESTIGATING,
        IncidentStatus.IDENTIFIED,
        IncidentStatus.MONITORING,
    )
    return await list_incidents(
        db, IncidentFilter(kinds=(IncidentKind.INCIDENT,), statuses=unresolved)
    )


async def open_maintenances(db: Database) -> list[IncidentView]:
    """Upcoming and in-progress maintenance, soonest window first."""
    found = await list_incidents(
        db,
        IncidentFilter(
            kinds=(IncidentKind.MAINTENANCE,),
            statuses=(
                IncidentStatus.SCHEDULED,
                IncidentStatus.IN_PROGRESS,
                IncidentStatus.VERIFYING,
            ),
        ),
    )
    return sorted(found, key=lambda i: i.scheduled_for or i.started_at)


_UNRESOLVED = (IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED, IncidentStatus.MONITORING)
_OPEN_MAINTENANCE = (IncidentStatus.SCHEDULED, IncidentStatus.IN_PROGRESS, IncidentStatus.VERIFYING)


@dataclass(frozen=True, slots=True)
class OpenAndRecent:
    """The incident lists the front page shows, read together (`open_and_recent`)."""

    unresolved: list[IncidentView]  # as `unresolved_incidents`
    maintenances: list[IncidentView]  # as `open_maintenances`
    recent: list[IncidentView]  # as `list_incidents(started_from=since, limit=limit)`


async def open_and_recent(db: Database, *, since: datetime, limit: int) -> OpenAndRecent:
    """`unresolved_incidents`, `open_maintenances` and the incidents and maintenance
    started at or after `since` (newest first, at most `limit`), in one query and one
    read of their updates and components: the three reads apart cost the front page
    about 2 ms of statement overhead on every render (docs/page.md)."""
    async with db.read() as session:
        rows = await core_rows(session, _OPEN_AND_RECENT, {"since": since, "limit": limit})
        distinct = list({row.id: row for row in rows}.values())
        views = {view.id: view for view in await _views(session, distinct)}
    lists: tuple[list[IncidentView], ...] = ([], [], [])
    for row in rows:
        lists[row.part].append(views[row.id])
    unresolved, maintenances, recent = lists
    maintenances.sort(key=lambda i: i.scheduled_for or i.started_at)
    return OpenAndRecent(unresolved, maintenances, recent)


def _open_and_recent_query() -> Any:
    """The rows of the three lists, each tagged with its `part` (0, 1, 2), in each
    list's order; an incident may be in two of them."""
    incidents = table_of(Incident)
    columns = incidents.c
    shown = (columns.draft.is_(False), columns.deleted_at.is_(None))
    newest = (columns.started_at.desc(), columns.id.desc())
    unresolved = select(literal_column("0", Integer).label("part"), *columns).where(
        columns.kind == IncidentKind.INCIDENT, columns.status.in_(_UNRESOLVED), *shown
    )
    maintenance = select(literal_column("1", Integer).label("part"), *columns).where(
        columns.kind == IncidentKind.MAINTENANCE, columns.status.in_(_OPEN_MAINTENANCE), *shown
    )
    recent = (
        select(literal_column("2", Integer).label("part"), *columns)
        .where(
            columns.kind.in_((IncidentKind.INCIDENT, IncidentKind.MAINTENANCE)),
            columns.started_at >= bindparam("since"),
            *shown,
        )
        .order_by(*newest)
        .limit(bindparam("limit"))
        .subquery()
    )
    every = union_all(unresolved, maintenance, select(*recent.c)).subquery()
    return select(*every.c).order_by(every.c.part, every.c.started_at.desc(), every.c.id.desc())


_OPEN_AND_RECENT = _open_and_recent_query()  # built once: every front-page render runs it


def _incident_query(where: IncidentFilter) -> SelectOfScalar[Incident]:
    query = select(Incident).where(col(Incident.kind).in_(where.kinds))
    if where.statuses is not None:
        query = query.where(col(Incident.status).in_(where.statuses))
    if not where.include_drafts:
        query = query.where(col(Incident.draft).is_(False))
    if not where.include_deleted:
        query = query.where(col(Incident.deleted_at).is_(None))
    if where.started_from is not None:
        query = query.where(Incident.started_at >= where.started_from)
    if where.started_before is not None:
        query = query.where(Incident.started_at < where.started_before)
    if where.resolved_from is not None:
        query = query.where(col(Incident.resolved_at) >= where.resolved_from)
    if where.component_id is not None:
        touching = select(IncidentComponent.incident_id).where(
            IncidentComponent.component_id == where.component_id
        )
        query = query.where(col(Incident.id).in_(touching))
    # Asked for what was resolved lately, the limit keeps the latest resolved: an
    # incident that started long ago and ended yesterday is as recent as any.
    newest = Incident.resolved_at if where.resolved_from is not None else Incident.started_at
    query = query.order_by(col(newest).desc(), col(Incident.id).desc())
    return query.limit(where.limit) if where.limit is not None else query


async def _views(
    session: AsyncSession, incidents: Sequence[Incident | Row[Any]]
) -> list[IncidentView]:
    ids = [i.id for i in incidents if i.id is not None]
    updates: dict[int, list[UpdateView]] = defaultdict(list)
    components: dict[int, dict[str, str]] = defaultdict(dict)
    if ids:
        rows = await session.exec(
            select(IncidentUpdate)
            .where(col(IncidentUpdate.incident_id).in_(ids))
            .where(col(IncidentUpdate.deleted_at).is_(None))
            .order_by(col(IncidentUpdate.display_at).desc(), col(IncidentUpdate.id).desc())
        )
        for update in rows:
            updates[update.incident_id].append(_update_view(update))
        links = await session.exec(
            select(IncidentComponent).where(col(IncidentComponent.incident_id).in_(ids))
        )
        for link in links:
            components[link.incident_id][link.component_id] = link.status
    return [
        _incident_view(i, updates[i.id], components[i.id]) for i in incidents if i.id is not None
    ]


def _update_view(update: IncidentUpdate) -> UpdateView:
    assert update.id is not None
    affected = update.affected_components
    return UpdateView(
        id=update.id,
        incident_id=update.incident_id,
        status=update.status,
        body=update.body,
        created_at=update.created_at,
        updated_at=update.updated_at,
        display_at=update.display_at,
        affected_components=None if affected is None else tuple(dict(a) for a in affected),
        deliver_notifications=update.deliver_notifications,
        author=update.author,
    )


def _incident_view(
    incident: Incident | Row[Any], updates: list[UpdateView], components: dict[str, str]
) -> IncidentView:
    assert incident.id is not None
    return IncidentView(
        id=incident.id,
        kind=incident.kind,
        name=incident.name,
        status=incident.status,
        impact=incident.impact,
        impact_override=incident.impact_override,
        severity=incident.severity,
        draft=incident.draft,
        created_at=incident.created_at,
        updated_at=incident.updated_at,
        started_at=incident.started_at,
        monitoring_at=incident.monitoring_at,
        resolved_at=incident.resolved_at,
        scheduled_for=incident.scheduled_for,
        scheduled_until=incident.scheduled_until,
        postmortem_body=incident.postmortem_body,
        postmortem_published_at=incident.postmortem_published_at,
        updates=tuple(updates),
        components=dict(components),
        acknowledged_at=incident.acknowledged_at,
        acknowledged_by=incident.acknowledged_by,
    )
