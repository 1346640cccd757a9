"""What the admin area, the sender and `statuspage subscribers export` read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from storage.database import Database
from storage.tables.notifications import Notification
from storage.tables.subscribers import Subscriber
from storage.vocabulary import SubscriberKind


@dataclass(frozen=True, slots=True)
class SubscriberRow:
    id: int
    kind: SubscriberKind
    address: str
    components: tuple[str, ...] | None  # None: the whole page
    confirmed_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SubscriberList:
    rows: list[SubscriberRow]
    total: int  # matching the search, on every page
    confirmed: int  # of all subscribers


def _row(s: Subscriber) -> SubscriberRow:
    assert s.id is not None
    components = None if s.components is None else tuple(s.components)
    return SubscriberRow(s.id, s.kind, s.address, components, s.confirmed_at, s.created_at)


async def subscriber(db: Database, subscriber_id: int) -> SubscriberRow | None:
    async with db.read() as session:
        found = await session.get(Subscriber, subscriber_id)
        return None if found is None else _row(found)


async def search(
    db: Database, text: str = "", *, limit: int = 50, offset: int = 0
) -> SubscriberList:
    """Subscribers whose address contains `text` (any case), newest first."""
    # lower() on both sides: PostgreSQL's LIKE heeds case, and webhook URLs keep theirs.
    matching = func.lower(col(Subscriber.address)).contains(text.lower().strip(), autoescape=True)
    async with db.read() as session:
        rows = await session.exec(
            select(Subscriber)
            .where(matching)
            .order_by(col(Subscriber.created_at).desc(), col(Subscriber.id).desc())
            .limit(limit)
            .offset(offset)
        )
        found = [_row(s) for s in rows]
        total = (await session.exec(select(func.count()).where(matching))).one()
        confirmed = (
            await session.exec(
                select(func.count()).where(col(Subscriber.confirmed_at).is_not(None))
            )
        ).one()
    return SubscriberList(found, int(total), int(confirmed))


async def export_address(db: Database, address: str) -> list[dict[str, Any]]:
    """Everything kept about `address`: its subscriptions and the messages to it."""
    async with db.read() as session:
        subs = list(await session.exec(select(Subscriber).where(Subscriber.address == address)))
        exported = []
        for s in subs:
            messages = await session.exec(
                select(Notification)
                .where(Notification.subscriber_id == s.id)
                .order_by(col(Notification.id))
            )
            exported.append(_exported(s, list(messages)))
    return exported


def _exported(s: Subscriber, messages: list[Notification]) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind.value,
        "address": s.address,
        "components": s.components,
        "created_at": s.created_at.isoformat(),
        "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
        "confirmation_sent_at": (
            s.confirmation_sent_at.isoformat() if s.confirmation_sent_at else None
        ),
        "messages": [
            {
                "id": m.id,
                "event": m.event.value,
                "state": m.state.value,
                "created_at": m.created_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                "payload": m.payload,
            }
            for m in messages
        ],
    }
