"""Apprise, run in the channels' own threads, against a stand-in ntfy server on
127.0.0.1 and a stand-in service that holds every send until the test releases it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import apprise
import pytest
from apprise.manager_plugins import NotificationManager
from pytest_aiohttp import AiohttpServer

from statuspage.admin.passwords import Passwords
from statuspage.channel_specs import ChannelConfig
from statuspage.notify.channels.apprise import AppriseChannel
from statuspage.notify.channels.base import CHANNEL_THREADS, DeliveryError, open_channel_threads
from statuspage.notify.sender import Sender
from statuspage.service.settings_holder import SettingsHolder
from storage.notify.outbox import NewMessage, enqueue
from storage.notify.reads import list_notifications
from storage.vocabulary import NotificationEvent, NotificationState
from tests.alerting.helpers import Clock, site
from tests.notify.helpers import channels_config, group_message, notify_settings, outside
from tests.notify.receivers import Answer, Receiver, receiver
from tests.waiting import eventually

DEFAULT_THREADS = 2  # the loop's default executor in these tests, whatever the CPU count
PHONE = '[[channels]]\nname = "phone"\nkind = "apprise"\nurl = "stuck://"\n'


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class Stuck:
    """An Apprise service (`stuck://`) that holds every send, in Apprise's thread,
    until `release` is set; `entered` counts the sends that reached it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = 0
        self._count = threading.Lock()

    def send(self, body: str, title: str, notify_type: str, *args: Any, **kw: Any) -> bool:
        with self._count:
            self.entered += 1
        return self.release.wait()


@pytest.fixture
def stuck() -> Iterator[Stuck]:
    service = Stuck()
    apprise.decorators.notify(on="stuck")(service.send)  # type: ignore[no-untyped-call]
    try:
        yield service
    finally:
        service.release.set()
        plugins = NotificationManager()  # type: ignore[no-untyped-call]
        plugins.remove("stuck")  # type: ignore[no-untyped-call]


@pytest.fixture
async def small_default_executor() -> AsyncIterator[None]:
    """The event loop's default executor, which signing in hashes passwords in, made
    small so that stuck sends could fill it on any machine."""
    pool = ThreadPoolExecutor(DEFAULT_THREADS)
    asyncio.get_running_loop().set_default_executor(pool)
    yield
    pool.shutdown(wait=False, cancel_futures=True)


def ntfy_url(ntfy: Receiver) -> str:
    host_port = ntfy.url.removeprefix("http://").split("/")[0]
    return f"ntfy://{host_port}/alerts"


async def test_a_message_reaches_ntfy(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    ntfy = await receiver(aiohttp_server, Answer(200, '{"id":"x"}'))
    channel = AppriseChannel(ChannelConfig("phone", "apprise", url=ntfy_url(ntfy)), outside(http))
    assert await channel.notify(group_message()) == "Apprise: delivered"
    (request,) = ntfy.received
    sent = request.json()
    assert sent["topic"] == "alerts"
    assert sent["title"] == "Critical: API: error-rate-critical"
    assert "error rate: 7.5 %" in sent["message"]


async def test_a_failure_is_retried_with_apprises_reason(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    ntfy = await receiver(aiohttp_server, Answer(500, "down"))
    channel = AppriseChannel(ChannelConfig("phone", "apprise", url=ntfy_url(ntfy)), outside(http))
    with pytest.raises(DeliveryError) as caught:
        await channel.notify(group_message())
    assert not caught.value.permanent
    assert caught.value.reason.startswith("Apprise: ")
    assert caught.value.reason != "Apprise: not delivered"


async def test_a_url_apprise_cannot_read_is_permanent(http: aiohttp.ClientSession) -> None:
    channel = AppriseChannel(ChannelConfig("x", "apprise", url="nosuchservice://x"), outside(http))
    with pytest.raises(DeliveryError) as caught:
        await channel.notify(group_message())
    assert caught.value.permanent


@pytest.mark.usefixtures("small_default_executor")
async def test_stuck_apprise_sends_leave_signing_in_its_threads(
    tmp_path: Path, stuck: Stuck
) -> None:
    settings = notify_settings(tmp_path, channels_config(extra=PHONE))
    async with site(settings, Clock()) as place:
        # A time limit far beyond the test: the sends stay stuck until released.
        sender = Sender(place.db, SettingsHolder(settings), clock=place.clock, timeout_s=600)
        messages = [
            NewMessage("phone", NotificationEvent.TEST, None, {"title": "t"}, f"t:{n}")
            for n in range(CHANNEL_THREADS + DEFAULT_THREADS)
        ]
        await enqueue(place.db, messages, place.clock.now)
        sending = asyncio.create_task(sender.deliver_due())
        try:
            # Enough stuck sends to fill the default executor, were they in it.
            await eventually(lambda: stuck.entered >= DEFAULT_THREADS, "Apprise sends to stick")
            signing_in = asyncio.create_task(Passwords().hash_off_loop("correct horse"))
            await eventually(signing_in.done, "a sign-in hash beside stuck Apprise sends")
            await eventually(lambda: stuck.entered == CHANNEL_THREADS, "every channel thread")
            assert not sending.done()  # the rest wait for a channel thread
            stuck.release.set()
            assert await sending == len(messages)
        finally:
            stuck.release.set()
            await sender.close()
        page = await list_notifications(place.db)
    assert {e.state for e in page.entries} == {NotificationState.SENT}


async def test_a_send_that_never_returns_times_out_as_a_delivery_error(
    http: aiohttp.ClientSession, stuck: Stuck
) -> None:
    threads = open_channel_threads()
    config = ChannelConfig("phone", "apprise", url="stuck://")
    channel = AppriseChannel(config, replace(outside(http, threads=threads), timeout_s=0.1))
    try:
        with pytest.raises(DeliveryError) as caught:
            await channel.notify(group_message())
    finally:
        stuck.release.set()
        threads.shutdown(wait=False, cancel_futures=True)
    assert stuck.entered == 1
    assert not caught.value.permanent  # retried: and heard twice if it got through after all
