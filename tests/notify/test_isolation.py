"""A channel that hangs holds up nothing but its own messages (docs/notifications.md
"Sent off the probe path"): `statuspage run` as `create_app` builds it (probes, jobs
and web in one process) over a real SQLite file, probing a healthy target on
127.0.0.1 every second, with a webhook channel whose receiver takes every message
and never answers. While the sender waits on it, probe results keep being committed
and the public page and API keep answering."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from aiohttp import web
from pytest_aiohttp import AiohttpClient, AiohttpServer

from statuspage import keys
from statuspage.app import create_app
from statuspage.config import load_settings
from storage.migrate import upgrade_database
from storage.notify.outbox import NewMessage, enqueue
from storage.notify.reads import list_notifications
from storage.queries.recent import recent_results
from storage.vocabulary import NotificationEvent, NotificationState
from tests.app_client import Client
from tests.notify.receivers import serve_hook
from tests.service.conftest import flaky_app
from tests.service.test_silence_judge import ALL_ROLES, MovableClock, every_second
from tests.waiting import GENEROUS_S, eventually

CONFIG = (
    '\n[storage]\nurl = "sqlite:///{db}"\n'
    + every_second("api", "API")
    + '\n[[channels]]\nname = "hook"\nkind = "webhook"\nurl = "{hook}"\n'
)
MESSAGES = 25  # more than one pass takes (20), more than one host's connections (5)


class HangingReceiver:
    """Takes every message and answers none until `release` is set."""

    def __init__(self) -> None:
        self.taken = 0
        self.answered = 0
        self.release = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        self.taken += 1
        await self.release.wait()
        self.answered += 1
        return web.Response(text="ok")


async def hanging_receiver(aiohttp_server: AiohttpServer) -> tuple[HangingReceiver, str]:
    hook = HangingReceiver()
    return hook, await serve_hook(aiohttp_server, hook.handle)


async def start(
    tmp_path: Path, aiohttp_client: AiohttpClient, target: str, hook: str
) -> tuple[Client, MovableClock]:
    path = tmp_path / "statuspage.db"
    await upgrade_database(f"sqlite:///{path}")
    config = tmp_path / "statuspage.toml"
    config.write_text(CONFIG.format(db=path, target=target, hook=hook), "utf-8")
    clock = MovableClock()
    client = await aiohttp_client(create_app(load_settings(config, {}), ALL_ROLES, clock=clock))
    return client, clock


async def newest_result(app: web.Application, clock: MovableClock) -> datetime | None:
    recent = await recent_results(app[keys.DATABASE], since=clock.now - timedelta(hours=1))
    results = [r for rs in recent.get("api", {}).values() for r in rs]
    return max((r.started_at for r in results), default=None)


async def test_a_hanging_channel_holds_up_neither_probe_results_nor_the_page(
    tmp_path: Path, aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer
) -> None:
    target = await aiohttp_server(flaky_app(failures=0))
    hook, hook_url = await hanging_receiver(aiohttp_server)
    client, clock = await start(tmp_path, aiohttp_client, str(target.make_url("/health")), hook_url)
    sender = client.app[keys.NOTIFIER].sender
    sender.timeout_s = 10 * GENEROUS_S  # the hang outlasts everything below
    try:
        await probe_and_read_while_hanging(client, clock, hook)
    finally:
        hook.release.set()  # and then the sends end, so the process stops at once
    await eventually(lambda: sender.sent >= hook.taken, "the held messages sent")


async def probe_and_read_while_hanging(
    client: Client, clock: MovableClock, hook: HangingReceiver
) -> None:
    app, db = client.app, client.app[keys.DATABASE]
    test = [
        NewMessage("hook", NotificationEvent.TEST, None, {"title": "t"}, f"t:{n}")
        for n in range(MESSAGES)
    ]
    await enqueue(db, test, clock.now)
    app[keys.NOTIFIER].sender.wake()
    await eventually(lambda: hook.taken > 0, "the sender stuck in a send")
    since = clock.now

    async def probed_since() -> bool:
        newest = await newest_result(app, clock)
        return newest is not None and newest > since

    await eventually(probed_since, "probe results committed during the hang")
    async with asyncio.timeout(GENEROUS_S):
        page = await client.get("/")
        api = await client.get("/api/v2/summary.json")
    assert (page.status, api.status) == (200, 200)
    assert "API" in await page.text()
    assert hook.answered == 0  # all of it happened while the sends hung
    assert not any(
        e.state == NotificationState.SENT for e in (await list_notifications(db)).entries
    )
