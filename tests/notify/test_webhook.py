"""The generic webhook: a JSON body a receiver can verify by its HMAC signature and
timestamp, or a body an operator's sandboxed template writes."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator

import aiohttp
import pytest
from pytest_aiohttp import AiohttpServer

from statuspage.channel_specs import ChannelConfig
from statuspage.notify.channels.base import DeliveryError
from statuspage.notify.channels.webhook import WebhookChannel
from tests.alerting.helpers import NOW
from tests.notify.helpers import group_message, outside
from tests.notify.receivers import Received, receiver

SECRET = "s3cret-signing-key"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def verify(request: Received, secret: str, now_s: float, tolerance_s: float = 300) -> bool:
    """What docs/notifications.md tells a receiver to do."""
    timestamp = request.headers["X-Statuspage-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    given = request.headers["X-Statuspage-Signature"].removeprefix("sha256=")
    return hmac.compare_digest(expected, given) and abs(now_s - int(timestamp)) <= tolerance_s


async def send(
    aiohttp_server: AiohttpServer,
    http: aiohttp.ClientSession,
    *,
    secret: str | None = None,
    template: str | None = None,
) -> Received:
    hook = await receiver(aiohttp_server)
    config = ChannelConfig("hook", "webhook", url=hook.url, secret=secret, template=template)
    channel = WebhookChannel(config, outside(http))
    await channel.notify(group_message())
    (request,) = hook.received
    return request


async def test_the_signature_verifies_over_the_timestamp_and_the_body(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    request = await send(aiohttp_server, http, secret=SECRET)
    assert request.headers["X-Statuspage-Timestamp"] == str(int(NOW.timestamp()))
    assert verify(request, SECRET, NOW.timestamp())


async def test_a_changed_body_or_another_secret_does_not_verify(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    request = await send(aiohttp_server, http, secret=SECRET)
    tampered = Received(request.path, request.headers, request.body.replace(b"API", b"APX"))
    assert not verify(tampered, SECRET, NOW.timestamp())
    assert not verify(request, "another secret", NOW.timestamp())


async def test_an_old_timestamp_does_not_verify(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    request = await send(aiohttp_server, http, secret=SECRET)
    assert not verify(request, SECRET, NOW.timestamp() + 600)


async def test_the_body_is_the_message_as_json_with_its_delivery_id(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    request = await send(aiohttp_server, http)
    body = request.json()
    assert (body["event"], body["severity"], body["component"]) == ("firing", "critical", "API")
    assert body["delivery_id"] == 7
    assert request.headers["X-Statuspage-Delivery"] == "7"
    assert request.headers["X-Statuspage-Event"] == "firing"
    assert request.headers["Content-Type"] == "application/json"
    assert "X-Statuspage-Signature" not in request.headers


async def test_a_template_writes_the_body(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    template = '{"text": {{ title | tojson }}, "where": {{ component | tojson }}}'
    request = await send(aiohttp_server, http, template=template)
    assert request.json() == {"text": "Critical: API: error-rate-critical", "where": "API"}


async def test_a_template_cannot_reach_out_of_its_sandbox(
    aiohttp_server: AiohttpServer, http: aiohttp.ClientSession
) -> None:
    template = "{{ title.__class__.__mro__[1].__subclasses__() }}"
    with pytest.raises(DeliveryError) as caught:
        await send(aiohttp_server, http, template=template)
    assert caught.value.permanent
