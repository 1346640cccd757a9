"""Subscribing, confirming and leaving: each a short transaction.

A request to subscribe writes the subscriber (unconfirmed, if new) and queues its
confirmation mail in the outbox in the same transaction, so the mail is neither lost
nor sent for a request that did not commit. A second request for the same address
within `resend_after` queues nothing: a form posted a thousand times sends one mail.

Webhook subscribers are confirmed at once (there is nobody to click a link); the
address checks against private networks happen before this is called.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit import add_audit_in
from storage.database import Database
from storage.tables.notifications import Notification
from storage.tables.subscribers import Subscriber
from storage.vocabulary import NotificationEvent, NotificationState, SubscriberKind


@dataclass(frozen=True, slots=True)
class Limits:
    """How many subscribers the page takes: a new address past one is refused, so a
    script cannot grow the list without bound or aim the page's webhooks at one host."""

    total: int  # subscribers of every kind, confirmed or waiting
    webhooks: int  # webhook subscribers
    per_webhook_host: int  # webhook subscribers whose URL names one host
    host_of: Callable[[str], str]  # a webhook URL's host as the HTTP client reads it


class LimitReached(Exception):
    """A new subscriber would pass one of the `Limits`; the message says which."""

    def __init__(self, message: str, *, per_host: bool = False) -> None:
        super().__init__(message)
        self.per_host = per_host  # about the URL given, not the page as a whole


@dataclass(frozen=True, slots=True)
class Requested:
    subscriber_id: int
    mailed: bool  # a confirmation mail was queued by this request
    confirmed: bool  # the address was already confirmed before
    existed: bool = False  # the address was subscribed (or waiting) before this request


async def request_subscription(
    db: Database,
    kind: SubscriberKind,
    address: str,
    components: Sequence[str] | None,
    *,
    now: datetime,
    resend_after: timedelta,
    limits: Limits,
) -> Requested:
    """Record a request; for email, queue a confirmation unless one went out lately.
    The components chosen travel in the confirmation (they change nothing until
    confirmed), except for a new webhook subscriber, which starts with them; an
    existing webhook is left as it is (`Requested.existed`): whoever knows its URL is
    not thereby its owner.

    Two requests for one new address at once (a double click): on PostgreSQL the
    second insert breaks the unique index, and is tried again, finding the first's
    row; SQLite takes one write at a time anyway.

    Raises `LimitReached` for a new address past `limits` (an existing one is served
    as ever). On PostgreSQL, requests in flight together may each pass a limit that
    only one of them had room for: it is a bound against floods, not an exact count."""
    request = partial(_request, db, kind, address, components, now=now, limits=limits)
    try:
        return await request(resend_after=resend_after)
    except IntegrityError:
        return await request(resend_after=resend_after)


async def _request(
    db: Database,
    kind: SubscriberKind,
    address: str,
    components: Sequence[str] | None,
    *,
    now: datetime,
    resend_after: timedelta,
    limits: Limits,
) -> Requested:
    async with db.write(pages=False) as session:
        row = await _by_address(session, kind, address)
        existed = row is not None
        if row is None:
            await _check_limits(session, kind, address, limits)
            row = Subscriber(kind=kind, address=address, created_at=now, updated_at=now)
            if kind == SubscriberKind.WEBHOOK:
                row.confirmed_at = now  # nobody is there to click a link
                row.components = _stored(components)
            session.add(row)
            await session.flush()
        assert row.id is not None
        confirmed = row.confirmed_at is not None and kind == SubscriberKind.EMAIL
        if kind == SubscriberKind.WEBHOOK:
            return Requested(row.id, mailed=False, confirmed=True, existed=existed)
        recent = (
            row.confirmation_sent_at is not None and now - row.confirmation_sent_at < resend_after
        )
        if recent:
            return Requested(row.id, mailed=False, confirmed=confirmed, existed=existed)
        row.confirmation_sent_at, row.updated_at = now, now
        session.add(_confirmation(row.id, components, now))
        return Requested(row.id, mailed=True, confirmed=confirmed, existed=existed)


async def _check_limits(
    session: AsyncSession, kind: SubscriberKind, address: str, limits: Limits
) -> None:
    if await _count(session) >= limits.total:
        raise LimitReached(f"the page takes no more than {limits.total} subscribers")
    if kind != SubscriberKind.WEBHOOK:
        return
    webhooks = list(await session.exec(select(Subscriber.address).where(Subscriber.kind == kind)))
    if len(webhooks) >= limits.webhooks:
        raise LimitReached(f"the page takes no more than {limits.webhooks} webhooks")
    # Every stored URL is read as the client reads it, so no spelling of a host (case,
    # a trailing dot, user info, IDNA) counts as another host.
    host = limits.host_of(address)
    if sum(limits.host_of(url) == host for url in webhooks) >= limits.per_webhook_host:
        raise LimitReached(
            f"the page posts to {limits.per_webhook_host} webhooks at {host} already",
            per_host=True,
        )


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Subscriber)) or 0)


def _confirmation(
    subscriber_id: int, components: Sequence[str] | None, now: datetime
) -> Notification:
    return Notification(
        channel="subscriber-email",
        event=NotificationEvent.CONFIRM,
        subscriber_id=subscriber_id,
        dedup_key=f"confirm:s{subscriber_id}:{now.isoformat()}",
        payload={"components": _stored(components), "requested_at": now.isoformat()},
        state=NotificationState.PENDING,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )


def _stored(components: Sequence[str] | None) -> list[str] | None:
    return None if components is None else sorted(set(components))


async def _by_address(
    session: AsyncSession, kind: SubscriberKind, address: str
) -> Subscriber | None:
    found = await session.exec(
        select(Subscriber).where(Subscriber.kind == kind, Subscriber.address == address)
    )
    return found.first()


async def confirm(
    db: Database,
    subscriber_id: int,
    address: str,
    components: Sequence[str] | None,
    *,
    now: datetime,
) -> bool:
    """Confirm the subscriber (and take the components its link carries); False when
    it is gone or the link was made for another address with the same id."""
    async with db.write(pages=False) as session:
        row = await session.get(Subscriber, subscriber_id)
        if row is None or row.address != address:
            return False
        row.components, row.updated_at = _stored(components), now
        if row.confirmed_at is None:
            row.confirmed_at = now
        return True


async def remove(
    db: Database,
    subscriber_id: int,
    address: str | None = None,
    *,
    actor: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Remove the subscriber and every message to it; with `address`, only if the id
    still belongs to that address (an old link must not remove someone else). An
    operator's removal (`actor`) is audited, without the address: the log must not
    keep what the removal erased."""
    async with db.write(pages=False) as session:
        row = await session.get(Subscriber, subscriber_id)
        if row is None or (address is not None and row.address != address):
            return False
        await _erase_in(session, [subscriber_id])
        if actor is not None and now is not None:
            add_audit_in(
                session,
                actor=actor,
                action="subscriber.remove",
                target=f"subscriber:{subscriber_id}",
                at=now,
                before={"kind": row.kind.value},
            )
        return True


async def erase_address(db: Database, address: str) -> int:
    """Erase every subscription of `address` (email, or a webhook URL) and every
    message to it; returns how many subscriptions there were."""
    async with db.write(pages=False) as session:
        found = await session.exec(select(Subscriber.id).where(Subscriber.address == address))
        ids = [i for i in found if i is not None]
        await _erase_in(session, ids)
        return len(ids)


async def _erase_in(session: AsyncSession, ids: Sequence[int]) -> None:
    if not ids:
        return
    # Explicitly, not only by the foreign key's cascade: SQLite files made before
    # foreign keys were switched on, and a reader can see what goes.
    await session.exec(delete(Notification).where(col(Notification.subscriber_id).in_(ids)))
    await session.exec(delete(Subscriber).where(col(Subscriber.id).in_(ids)))


async def forget_unconfirmed(db: Database, *, older_than: datetime) -> int:
    """Retention: email subscriptions never confirmed, whose latest request (and so
    its link) is from before `older_than`: asking again restarts the wait."""
    latest = func.coalesce(col(Subscriber.confirmation_sent_at), col(Subscriber.created_at))
    async with db.write(pages=False) as session:
        found = await session.exec(
            select(Subscriber.id).where(
                Subscriber.kind == SubscriberKind.EMAIL,
                col(Subscriber.confirmed_at).is_(None),
                col(Subscriber.created_at) < older_than,
                latest < older_than,
            )
        )
        ids = [i for i in found if i is not None]
        await _erase_in(session, ids)
        return len(ids)
