"""Several senders share one PostgreSQL outbox: each message is delivered once,
by whichever sender claimed it, because a claim skips the rows another transaction
has claimed and not yet committed."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpServer
from sqlalchemy import text

from statuspage.notify.sender import Sender
from statuspage.service.settings_holder import SettingsHolder
from statuspage.service.startup import open_database, prepare_database
from storage.database import Database
from storage.notify.delivery import Claimed, claim_in
from storage.notify.outbox import NewMessage, enqueue
from storage.notify.reads import list_notifications
from storage.vocabulary import NotificationEvent, NotificationState
from tests.alerting.helpers import Clock
from tests.notify.helpers import channels_config, notify_settings
from tests.notify.receivers import Answer, receiver
from tests.storage.builders import (
    T0,
)
from tests.waiting import eventually

pytestmark = pytest.mark.postgres
MESSAGES = 60
LEASE = timedelta(minutes=2)


async def test_two_senders_deliver_each_message_once(
    tmp_path: Path, postgres_url: str, aiohttp_server: AiohttpServer
) -> None:
    hook = await receiver(aiohttp_server, Answer(200, "ok", delay_s=0.01))
    url = postgres_url
    settings = notify_settings(tmp_path, channels_config(webhook=hook.url), url=url)
    clock = Clock()
    first_db, second_db = open_database(settings), open_database(settings)  # two "processes"
    holder = SettingsHolder(settings)
    senders = [Sender(db, holder, clock=clock) for db in (first_db, second_db)]
    try:
        await prepare_database(first_db, settings, upgrade=True, clock=clock)
        messages = [
            NewMessage("hook", NotificationEvent.TEST, None, {"n": n}, f"t:{n}")
            for n in range(MESSAGES)
        ]
        await enqueue(first_db, messages, clock.now)

        async def drain(sender: Sender) -> None:
            while await sender.deliver_due():
                pass

        await asyncio.gather(*(drain(s) for s in senders))

        deliveries = Counter(r.headers["X-Statuspage-Delivery"] for r in hook.received)
        assert len(deliveries) == MESSAGES
        assert set(deliveries.values()) == {1}
        assert all(s.sent > 0 for s in senders)  # both took part
        page = await list_notifications(first_db, limit=MESSAGES)
        assert {e.state for e in page.entries} == {NotificationState.SENT}
    finally:
        for sender in senders:
            await sender.close()
        await first_db.dispose()
        await second_db.dispose()


async def waits_for_a_lock(db: Database, pid: int) -> bool:
    async with db.read() as session:
        connection = await session.connection()
        found = await connection.execute(
            text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid AND wait_event_type = 'Lock'"),
            {"pid": pid},
        )
        return found.first() is not None


async def claim_beside(db: Database, pid: asyncio.Future[int]) -> list[Claimed]:
    """A second sender's claim, in a transaction of its own; `pid` says which
    PostgreSQL backend runs it, so the test can see whether it waits."""
    async with db.write(pages=False) as session:
        connection = await session.connection()
        backend = await connection.execute(text("SELECT pg_backend_pid()"))
        pid.set_result(backend.scalar_one())
        return await claim_in(session, now=T0, lease=LEASE, limit=3)


async def test_a_claim_skips_rows_an_uncommitted_claim_holds(postgres_db: Database) -> None:
    messages = [NewMessage("hook", NotificationEvent.TEST, None, {}, f"t:{n}") for n in range(6)]
    await enqueue(postgres_db, messages, T0)
    async with postgres_db.write(pages=False) as first:
        held = await claim_in(first, now=T0, lease=LEASE, limit=3)
        pid: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        second = asyncio.create_task(claim_beside(postgres_db, pid))

        async def settled() -> bool:
            return second.done() or (
                pid.done() and await waits_for_a_lock(postgres_db, pid.result())
            )

        await eventually(settled, "the second claim to return or to wait on a lock")
        # Decided while the first transaction is still open: waiting for it to end
        # would serialise the senders, and (without the lock) claim the same rows.
        assert second.done(), "the second claim waited for the first one's row locks"
    taken = await second
    assert len(held) == len(taken) == 3
    assert not {m.id for m in held} & {m.id for m in taken}
