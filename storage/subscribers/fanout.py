"""Fanning an incident or maintenance notice out to the subscribers who follow it.

Called inside the transaction that posts the update (`storage/incidents/writes.py`),
so the update and the messages it causes commit together: a crash loses neither, and
a rolled-back update sends nothing. One outbox row per subscriber, keyed by the
notice and the subscriber, so the same notice can never reach anyone twice.

A subscriber follows a notice when it follows the whole page, or one of the
components the notice is about; a notice about no component (a page-wide incident)
reaches everyone.

What a notice says is decided here, from the rows in hand, and kept in the payload;
the links (the incident's page, unsubscribing) are added when it is sent, from the
site's address in force then.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, insert, literal
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.tables.incidents import Incident, IncidentComponent, IncidentUpdate
from storage.tables.monitoring import Component
from storage.tables.notifications import Notification
from storage.tables.subscribers import Subscriber, SubscriberNotice
from storage.vocabulary import (
    IncidentKind,
    IncidentStatus,
    NotificationEvent,
    NotificationState,
    SubscriberKind,
)


def follows(chosen: Sequence[str] | None, about: Collection[str]) -> bool:
    """Whether a subscriber who chose `chosen` (None: everything) hears a notice
    about the components `about` (empty: the whole page)."""
    return chosen is None or not about or not set(chosen).isdisjoint(about)


async def queue_update_in(
    session: AsyncSession, incident: Incident, update: IncidentUpdate, now: datetime
) -> int:
    """Queue the notice of `update` to every subscriber following `incident`."""
    assert incident.id is not None
    assert update.id is not None
    about = await _components_of(session, incident.id)
    payload = _payload(incident, about, update)
    changes = list(update.affected_components or [])
    key = f"update:{update.id}"
    return await _queue_in(session, NotificationEvent.UPDATE, key, about, payload, now, changes)


async def queue_latest_update_in(session: AsyncSession, incident: Incident, now: datetime) -> int:
    """On publishing a draft: its latest update, if it was to be delivered."""
    latest = (
        await session.exec(
            select(IncidentUpdate)
            .where(
                IncidentUpdate.incident_id == incident.id, col(IncidentUpdate.deleted_at).is_(None)
            )
            .order_by(col(IncidentUpdate.id).desc())
            .limit(1)
        )
    ).first()
    if latest is None or not latest.deliver_notifications:
        return 0
    return await queue_update_in(session, incident, latest, now)


async def queue_maintenance_reminders(db: Database, *, now: datetime, lead: timedelta) -> int:
    """Remind subscribers of maintenance starting within `lead`, once per window
    (`subscriber_notices` remembers; planning twice queues nothing twice). Returns
    how many windows were announced. Looks first with a read, so the job that runs
    every few seconds takes SQLite's write lock only when a reminder is due."""
    async with db.read() as session:
        due = [i for i in await session.exec(_upcoming(now, lead)) if i is not None]
    if not due:
        return 0
    announced = 0
    async with db.write(pages=False) as session:
        for incident in await session.exec(select(Incident).where(col(Incident.id).in_(due))):
            key = f"upcoming:{incident.id}"
            if await session.get(SubscriberNotice, key) is not None:
                continue
            session.add(SubscriberNotice(key=key, created_at=now))
            assert incident.id is not None
            about = await _components_of(session, incident.id)
            payload = _payload(incident, about, None)
            await _queue_in(session, NotificationEvent.UPCOMING, key, about, payload, now)
            announced += 1
    return announced


def _upcoming(now: datetime, lead: timedelta) -> Any:
    """Ids of published maintenance, still scheduled, starting within `lead` and not
    yet announced."""
    announced = select(SubscriberNotice.key).where(
        SubscriberNotice.key == literal("upcoming:", String) + cast(Incident.id, String)
    )
    return select(Incident.id).where(
        Incident.kind == IncidentKind.MAINTENANCE,
        Incident.status == IncidentStatus.SCHEDULED,
        col(Incident.draft).is_(False),
        col(Incident.deleted_at).is_(None),
        col(Incident.scheduled_for) > now,
        col(Incident.scheduled_for) <= now + lead,
        ~announced.exists(),
    )


async def _components_of(session: AsyncSession, incident_id: int) -> dict[str, str]:
    rows = await session.exec(
        select(Component.id, Component.name)
        .join(IncidentComponent, col(IncidentComponent.component_id) == col(Component.id))
        .where(IncidentComponent.incident_id == incident_id)
        .order_by(col(Component.name))
    )
    return dict(rows.all())


async def _queue_in(
    session: AsyncSession,
    event: NotificationEvent,
    key: str,
    about: Collection[str],
    payload: dict[str, Any],
    now: datetime,
    changes: Sequence[dict[str, str]] = (),
) -> int:
    """One row per following subscriber; a webhook also gets one per component the
    update changed (Statuspage sends component updates on their own)."""
    subscribers = await session.exec(
        select(Subscriber.id, Subscriber.kind, Subscriber.components).where(
            col(Subscriber.confirmed_at).is_not(None)
        )
    )
    rows = []
    for sid, kind_text, chosen in subscribers:
        if not follows(chosen, about):
            continue
        assert sid is not None
        kind = SubscriberKind(kind_text)
        rows.append(_message(kind, event, sid, f"{key}:s{sid}", payload, now))
        if kind == SubscriberKind.WEBHOOK:
            for change in changes:
                with_change = payload | {"component_change": change}
                change_key = f"{key}:c{change.get('code')}:s{sid}"
                rows.append(_message(kind, event, sid, change_key, with_change, now))
    if rows:
        # One multi-row INSERT, not an ORM object per row: the update's transaction
        # holds the write lock while it runs (bench/subscribers.py measures both).
        connection = await session.connection()
        await connection.execute(insert(Notification), rows)
    return len(rows)


def _message(
    kind: SubscriberKind,
    event: NotificationEvent,
    subscriber_id: int,
    key: str,
    payload: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """An outbox row's columns (`storage/tables/notifications.py`)."""
    return {
        "channel": f"subscriber-{kind.value}",
        "event": event,
        "subscriber_id": subscriber_id,
        "dedup_key": key[:200],
        "payload": payload,
        "state": NotificationState.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }


def _when(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _payload(
    incident: Incident, about: dict[str, str], update: IncidentUpdate | None
) -> dict[str, Any]:
    notice: dict[str, Any] = {
        "incident": {
            "id": incident.id,
            "kind": incident.kind.value,
            "name": incident.name,
            "status": incident.status.value,
            "impact": incident.impact.value,
            "started_at": _when(incident.started_at),
            "resolved_at": _when(incident.resolved_at),
            "scheduled_for": _when(incident.scheduled_for),
            "scheduled_until": _when(incident.scheduled_until),
        },
        "components": [{"id": cid, "name": name} for cid, name in about.items()],
    }
    if update is not None:
        notice["update"] = {
            "id": update.id,
            "status": update.status.value,
            "body": update.body,
            "display_at": _when(update.display_at),
            "changes": update.affected_components or [],
        }
    return notice
