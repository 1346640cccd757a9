"""Reading the outbox for the admin area's delivery log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, func, select

from storage.database import Database
from storage.tables.alerts import AlertGroup
from storage.tables.incidents import Incident
from storage.tables.notifications import Notification
from storage.vocabulary import AlertSeverity, NotificationEvent, NotificationState


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: int
    channel: str
    event: NotificationEvent
    group_id: int | None
    severity: AlertSeverity | None
    title: str
    state: NotificationState
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    answer: str | None
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class NotificationPage:
    entries: tuple[NotificationView, ...]
    total: int


def _view(row: Notification) -> NotificationView:
    assert row.id is not None
    title = (row.payload or {}).get("title")
    return NotificationView(
        id=row.id,
        channel=row.channel,
        event=row.event,
        group_id=row.group_id,
        severity=row.severity,
        title=title if isinstance(title, str) else "",
        state=row.state,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        answer=row.answer,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


async def list_notifications(
    db: Database, *, offset: int = 0, limit: int = 50, state: NotificationState | None = None
) -> NotificationPage:
    """Messages newest first, optionally of one state, with how many there are."""
    query = select(Notification)
    counting = select(func.count()).select_from(Notification)
    if state is not None:
        query = query.where(Notification.state == state)
        counting = counting.where(Notification.state == state)
    query = query.order_by(col(Notification.id).desc()).offset(max(offset, 0)).limit(max(limit, 0))
    async with db.read() as session:
        total = (await session.exec(counting)).one()
        rows = await session.exec(query)
        return NotificationPage(tuple(_view(r) for r in rows), int(total))


async def messages_about(db: Database, group_id: int) -> list[NotificationView]:
    """Every message about one alert group, oldest first."""
    async with db.read() as session:
        rows = await session.exec(
            select(Notification)
            .where(Notification.group_id == group_id)
            .order_by(col(Notification.id))
        )
        return [_view(r) for r in rows]


async def group_incident(db: Database, group_id: int) -> tuple[int, str] | None:
    """The incident an alert group links, as (id, name), if any and not deleted."""
    async with db.read() as session:
        found = await session.exec(
            select(Incident.id, Incident.name)
            .join(AlertGroup, col(AlertGroup.incident_id) == col(Incident.id))
            .where(AlertGroup.id == group_id, col(Incident.deleted_at).is_(None))
        )
        row = found.first()
        return None if row is None or row[0] is None else (int(row[0]), str(row[1]))
