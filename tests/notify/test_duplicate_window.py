"""The one duplicate at-least-once delivery allows (docs/notifications.md "At least
once", docs/scaling.md "Not done"): a sender that dies after the receiver accepted a
message but before the row says `sent` leaves its claim, and the message goes out
again once the claim (2 minutes) runs out, never before, once only, and with the
same `X-Statuspage-Delivery` id for the receiver to drop it by.

The crash is made exact on SQLite, where a process writes one transaction at a
time: the receiver, before it answers 200, has a task take the database's write
lock, so the sender holds the receiver's "accepted" but cannot record it; its task
is then cancelled, as a killed process stops."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web
from pytest_aiohttp import AiohttpServer

from statuspage.notify.sender import LEASE, Sender
from storage.database import Database
from storage.vocabulary import NotificationState
from tests.notify.helpers import channels_config, notify_settings, notify_site
from tests.notify.receivers import serve_hook
from tests.notify.test_sender import queue, the_message
from tests.waiting import GENEROUS_S


class LockingReceiver:
    """Accepts every message; the first time, it takes the database's write lock
    before answering and keeps it until `release` is set."""

    def __init__(self) -> None:
        self.db: Database | None = None  # the site's, once it is open
        self.deliveries: list[str] = []
        self.locked = asyncio.Event()
        self.release = asyncio.Event()
        self.holder: asyncio.Task[None] | None = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        self.deliveries.append(request.headers["X-Statuspage-Delivery"])
        if self.holder is None:
            self.holder = asyncio.create_task(self._hold())
            await asyncio.wait_for(self.locked.wait(), GENEROUS_S)
        return web.Response(text="accepted")

    async def _hold(self) -> None:
        assert self.db is not None
        async with self.db.write(pages=False):
            self.locked.set()
            await self.release.wait()


async def start(aiohttp_server: AiohttpServer) -> tuple[LockingReceiver, str]:
    hook = LockingReceiver()
    return hook, await serve_hook(aiohttp_server, hook.handle)


async def test_an_accepted_message_its_sender_died_on_is_resent_once_after_the_claim(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    hook, url = await start(aiohttp_server)
    async with notify_site(notify_settings(tmp_path, channels_config(webhook=url))) as s:
        hook.db = s.db
        await queue(s)
        dying = asyncio.create_task(s.deliver())
        await asyncio.wait_for(hook.locked.wait(), GENEROUS_S)
        dying.cancel()  # the receiver accepted it; the row was never marked sent
        await asyncio.gather(dying, return_exceptions=True)
        hook.release.set()
        assert hook.holder is not None
        await hook.holder
        assert (await the_message(s)).state == NotificationState.SENDING

        survivor = Sender(s.db, s.place.settings, clock=s.clock)  # another process's
        try:
            s.clock.advance(seconds=LEASE.total_seconds() - 1)
            assert await survivor.deliver_due() == 0
            assert len(hook.deliveries) == 1
            s.clock.advance(seconds=1)
            assert await survivor.deliver_due() == 1
            s.clock.advance(seconds=LEASE.total_seconds())
            assert await survivor.deliver_due() == 0
        finally:
            await survivor.close()
        first, again = hook.deliveries
        assert again == first
        entry = await the_message(s)
        assert (entry.state, entry.attempts) == (NotificationState.SENT, 2)
