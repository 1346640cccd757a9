"""Claiming due messages and recording how their delivery went.

A sender claims due rows in one short transaction: it marks them `sending`, counts
the attempt and sets `next_attempt_at` to when its lease runs out, then sends with
no transaction open. On PostgreSQL the claim locks the rows it takes and skips rows
another sender has locked (`FOR UPDATE SKIP LOCKED`), so several processes never
take the same message; on SQLite one process writes at a time anyway.

A sender that dies after claiming leaves the row `sending`; once its lease has run
out the row is due again and another claim takes it. The result of a send is only
written while the claim is still the sender's own (same attempt count), so a sender
that was too slow cannot overwrite the next one's outcome.

A channel hears about a group in the order the messages were written: a message
waits while an earlier one to the same channel about the same group is not finished
(pending, backing off, or being sent), so a "resolved" never overtakes its "firing".
A subscriber hears its notices in order the same way ("completed" never overtakes
"in progress"). The operators' channels are claimed before subscribers: the public
can subscribe webhooks that never answer, and those must not delay a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from storage.database import Database
from storage.tables.notifications import MAX_ERROR, Notification
from storage.vocabulary import AlertSeverity, NotificationEvent, NotificationState

_UNFINISHED = (NotificationState.PENDING, NotificationState.SENDING)


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message a sender holds until `lease_until`; `attempt` counts from 1."""

    id: int
    channel: str
    event: NotificationEvent
    group_id: int | None
    severity: AlertSeverity | None
    payload: dict[str, Any]
    attempt: int
    created_at: datetime
    lease_until: datetime
    subscriber_id: int | None = None  # a subscriber of the public page, not a channel


def _due(now: datetime) -> Any:
    earlier = aliased(Notification)
    same_group = and_(
        col(Notification.group_id).is_not(None),
        col(earlier.group_id) == col(Notification.group_id),
    )
    same_subscriber = and_(
        col(Notification.subscriber_id).is_not(None),
        col(earlier.subscriber_id) == col(Notification.subscriber_id),
    )
    blocked = exists().where(
        col(earlier.channel) == col(Notification.channel),
        col(earlier.id) < col(Notification.id),
        col(earlier.state).in_(_UNFINISHED),
        or_(same_group, same_subscriber),
    )
    return and_(
        col(Notification.state).in_(_UNFINISHED),
        col(Notification.next_attempt_at) <= now,
        ~blocked,
    )


async def any_due(db: Database, *, now: datetime) -> bool:
    """Whether a claim would find anything: read first, so an idle sender never takes
    SQLite's write lock from the result writer."""
    async with db.read() as session:
        found = await session.exec(select(Notification.id).where(_due(now)).limit(1))
        return found.first() is not None


async def claim(db: Database, *, now: datetime, lease: timedelta, limit: int) -> list[Claimed]:
    """Take up to `limit` due messages, oldest due first, for `lease`, in a short
    transaction of its own (see `claim_in`)."""
    async with db.write(pages=False) as session:
        return await claim_in(session, now=now, lease=lease, limit=limit)


async def claim_in(
    session: AsyncSession, *, now: datetime, lease: timedelta, limit: int
) -> list[Claimed]:
    """The claim inside the caller's transaction: the rows stay locked until it ends,
    and a claim in another transaction meanwhile skips them rather than waiting
    (`tests/notify/test_postgres.py` holds one open to check)."""
    rows = list(await session.exec(_claim_query(now, limit)))
    for row in rows:
        row.state = NotificationState.SENDING
        row.attempts += 1
        row.next_attempt_at = now + lease
        row.updated_at = now
        session.add(row)
    return [_claimed(row) for row in rows]


def _claim_query(now: datetime, limit: int) -> SelectOfScalar[Notification]:
    """The operators' channels' before any subscriber's. Anyone may subscribe webhooks
    to a host that never answers; an update's fan-out to them must not hold up the
    operators' page."""
    return (
        select(Notification)
        .where(_due(now))
        .order_by(
            col(Notification.subscriber_id).is_not(None),
            col(Notification.next_attempt_at),
            col(Notification.id),
        )
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def _claimed(row: Notification) -> Claimed:
    assert row.id is not None
    return Claimed(
        id=row.id,
        channel=row.channel,
        event=row.event,
        group_id=row.group_id,
        severity=row.severity,
        payload=dict(row.payload or {}),
        attempt=row.attempts,
        created_at=row.created_at,
        lease_until=row.next_attempt_at,
        subscriber_id=row.subscriber_id,
    )


async def finish(
    db: Database,
    message: Claimed,
    *,
    now: datetime,
    state: NotificationState,
    answer: str | None = None,
    error: str | None = None,
    retry_at: datetime | None = None,
) -> bool:
    """Record a send's outcome: sent, failed for good, or pending again at `retry_at`.
    False if the claim was no longer this sender's (its lease ran out and another
    sender took the message)."""
    async with db.write(pages=False) as session:
        row = await session.get(Notification, message.id)
        if (
            row is None
            or row.state is not NotificationState.SENDING
            or row.attempts != message.attempt
        ):
            return False
        row.state = state
        row.updated_at = now
        if answer is not None:
            row.answer = answer[:MAX_ERROR]
        if error is not None:
            row.last_error = error[:MAX_ERROR]
        if state is NotificationState.SENT:
            row.sent_at = now
        if state is NotificationState.PENDING:
            row.next_attempt_at = retry_at or now
        session.add(row)
        return True
