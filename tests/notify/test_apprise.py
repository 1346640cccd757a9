"""Apprise, run in a thread, against a stand-in ntfy server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from pytest_aiohttp import AiohttpServer

from statuspage.channel_specs import ChannelConfig
from statuspage.notify.channels.apprise import AppriseChannel
from statuspage.notify.channels.base import DeliveryError
from tests.notify.helpers import group_message, outside
from tests.notify.receivers import Answer, Receiver, receiver


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


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
