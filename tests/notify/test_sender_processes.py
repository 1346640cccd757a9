"""Two real sender processes on one PostgreSQL outbox: each message delivered once,
while both had messages in flight at once (tests/notify/test_postgres.py pins the
claim itself inside one process)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from statuspage.notify.sender import CONNECTIONS_PER_HOST
from statuspage.service.startup import open_database, prepare_database
from storage.notify.outbox import NewMessage, enqueue
from storage.notify.reads import list_notifications
from storage.vocabulary import NotificationEvent, NotificationState
from tests.alerting.helpers import Clock
from tests.notify.helpers import channels_config, notify_settings
from tests.notify.test_postgres import MESSAGES
from tests.waiting import GENEROUS_S, read_until

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).parents[2]  # the checkout the child processes import


class Gate:
    """A webhook receiver that answers nobody until more requests are waiting at once
    than one sender ever has open to a host: proof that two senders are sending."""

    def __init__(self) -> None:
        self.deliveries: list[str] = []
        self.opened = asyncio.Event()
        self._waiting = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.deliveries.append(request.headers["X-Statuspage-Delivery"])
        self._waiting += 1
        if self._waiting > CONNECTIONS_PER_HOST:
            self.opened.set()
        try:
            await self.opened.wait()
        finally:
            self._waiting -= 1
        return web.Response(text="ok")


async def sender_process(config: Path) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.notify.sender_process",
        str(config),
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    await read_until(process.stdout, "ready")
    return process


async def sent_by(process: asyncio.subprocess.Process) -> int:
    out, _ = await asyncio.wait_for(process.communicate(), GENEROUS_S)
    assert process.returncode == 0
    return int(out.decode().split()[-1])


async def test_two_sender_processes_deliver_each_message_once(
    tmp_path: Path,
    postgres_url: str,
    aiohttp_server: AiohttpServer,
) -> None:
    gate = Gate()
    app = web.Application()
    app.router.add_post("/hook", gate.handle)
    hook = str((await aiohttp_server(app)).make_url("/hook"))
    url = postgres_url
    settings = notify_settings(tmp_path, channels_config(webhook=hook), url=url)
    db = open_database(settings)
    try:
        await prepare_database(db, settings, upgrade=True, clock=Clock())
        messages = [
            NewMessage("hook", NotificationEvent.TEST, None, {"n": n}, f"t:{n}")
            for n in range(MESSAGES)
        ]
        await enqueue(db, messages, Clock().now)
        processes = [await sender_process(tmp_path / "statuspage.toml") for _ in range(2)]
        for process in processes:
            assert process.stdin is not None
            process.stdin.write(b"go\n")
        sent = [await sent_by(process) for process in processes]
        page = await list_notifications(db, limit=MESSAGES)
    finally:
        await db.dispose()
    assert gate.opened.is_set()  # both processes had messages in flight at once
    assert sum(sent) == MESSAGES
    deliveries = Counter(gate.deliveries)
    assert len(deliveries) == MESSAGES
    assert set(deliveries.values()) == {1}
    assert {e.state for e in page.entries} == {NotificationState.SENT}
