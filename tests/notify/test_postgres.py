"""Several processes send from one PostgreSQL outbox: each message is delivered once,
by whichever sender claimed it."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpServer

from statuspage.notify.sender import Sender
from statuspage.service.settings_holder import SettingsHolder
from statuspage.service.startup import open_database, prepare_database
from storage.notify.outbox import NewMessage, enqueue
from storage.notify.reads import list_notifications
from storage.vocabulary import NotificationEvent, NotificationState
from tests.alerting.helpers import Clock
from tests.notify.helpers import channels_config, notify_settings
from tests.notify.receivers import Answer, receiver
from tests.storage.builders import (
    POSTGRES_ENV,
    create_postgres_database,
    drop_postgres_database,
    postgres_admin_url,
)

pytestmark = pytest.mark.postgres
MESSAGES = 60


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    if postgres_admin_url() is None:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    url = await create_postgres_database()
    try:
        yield url
    finally:
        await drop_postgres_database(url)


async def test_two_senders_deliver_each_message_once(
    tmp_path: Path, postgres_url: str, aiohttp_server: AiohttpServer
) -> None:
    hook = await receiver(aiohttp_server, Answer(200, "ok", delay_s=0.01))
    url = postgres_url.replace("postgresql+asyncpg:", "postgresql:")
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
