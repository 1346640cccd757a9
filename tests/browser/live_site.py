"""The real app served on 127.0.0.1 from a thread of its own, for a browser to visit.

Playwright's sync API runs its own event loop and refuses to start inside another,
so the app gets a private loop in a thread; the test drives the browser from the
main thread as a visitor would, and reaches the database through `LiveSite.call`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from aiohttp import web

from probes.clock import system_clock
from statuspage import keys
from statuspage.admin.passwords import Passwords
from statuspage.admin.state import ADMIN
from statuspage.app import create_app
from statuspage.config import Settings
from storage.database import Database
from storage.migrate import upgrade_database
from tests.admin.helpers import CHEAP_HASHER
from tests.app_client import WEB_ONLY

T = TypeVar("T")
START_TIMEOUT_S = 30


class LiveSite:
    """A running app: its URL, and a way to run coroutines on its loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, app: web.Application, port: int) -> None:
        self.loop = loop
        self.app = app
        self.url = f"http://127.0.0.1:{port}"

    @property
    def db(self) -> Database:
        return self.app[keys.DATABASE]

    def call(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run a coroutine on the app's loop (the database belongs to it) and wait for it."""

        async def run() -> T:
            return await make()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(START_TIMEOUT_S)


@contextmanager
def live_site(settings: Settings) -> Iterator[LiveSite]:
    """Migrate `settings`' database and serve its app on a free port until the block ends."""
    loop = asyncio.new_event_loop()
    started: list[LiveSite] = []
    ready, stop = threading.Event(), asyncio.Event()

    async def serve() -> None:
        await upgrade_database(settings.database_url)
        app = create_app(settings, WEB_ONLY, clock=system_clock)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        # Sign-in checks against test users' cheap hashes cost microseconds.
        app[ADMIN].passwords = Passwords(CHEAP_HASHER)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        started.append(LiveSite(loop, app, port))
        ready.set()
        await stop.wait()
        await runner.cleanup()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    if not ready.wait(START_TIMEOUT_S):
        raise RuntimeError("the app did not start")
    try:
        yield started[0]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(START_TIMEOUT_S)
        loop.close()
