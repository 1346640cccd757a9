"""Webhook subscribers: Statuspage-shaped bodies to a receiver on 127.0.0.1, their
unsubscribe link, and the guard that keeps a typed URL off loopback, private and
link-local addresses unless the operator allows them."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pytest_aiohttp import AiohttpClient, AiohttpServer
from sqlmodel import select

from statuspage.notify.subscribers.webhook import PublicOnlyResolver
from storage.tables.notifications import Notification
from storage.tables.subscribers import Subscriber
from tests.notify.receivers import Answer, receiver
from tests.notify.subscriber_site import (
    SubscriberSite,
    local_path,
    subscriber_settings,
    subscriber_site,
)

ALLOW_PRIVATE = "allow_private_webhook_addresses = true"


async def subscribe_hook(s: SubscriberSite, url: str, *components: str) -> tuple[int, str]:
    form = [("url", url), *(("component", c) for c in components)]
    response = await s.client.post("/subscribe/webhook", data=form)
    return response.status, await response.text()


async def test_a_webhook_hears_the_incident_and_each_component_change(
    tmp_path: Path, aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer
) -> None:
    hook = await receiver(aiohttp_server)
    settings = subscriber_settings(tmp_path, None, ALLOW_PRIVATE)
    async with subscriber_site(aiohttp_client, settings, None) as s:
        status, page = await subscribe_hook(s, hook.url)
        assert status == 200
        kept = BeautifulSoup(page, "html.parser").select_one("input.copy")
        assert kept is not None
        incident_id = await s.open_incident(
            "Payments down", "Looking.", components={"payments": "major_outage"}
        )
        assert await s.deliver() == 2
        incident, component = sorted(hook.bodies(), key=lambda b: "component" in b)
        assert incident["incident"]["id"] == incident_id
        assert incident["incident"]["name"] == "Payments down"
        assert incident["incident"]["incident_updates"][0]["body"] == "Looking."
        assert (
            incident["incident"]["shortlink"] == f"http://status.acme.test/incidents/{incident_id}"
        )
        assert component["component_update"]["new_status"] == "major_outage"
        assert component["component_update"]["old_status"] == "operational"
        assert component["component"]["id"] == "payments"
        assert incident["meta"]["unsubscribe"] == kept["value"]
        assert len({r.headers["X-Statuspage-Delivery"] for r in hook.received}) == 2

        left = await s.client.post(local_path(incident["meta"]["unsubscribe"]))
        assert left.status == 200
        async with s.db.read() as session:
            assert list(await session.exec(select(Subscriber))) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost:8080/hook",
        "http://[::1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://192.168.1.10/hook",
        "http://printer.local/hook",
        "file:///etc/passwd",
        "http://user:pw@example.com/hook",
    ],
)
async def test_a_typed_url_that_leads_inside_is_refused(
    tmp_path: Path, aiohttp_client: AiohttpClient, url: str
) -> None:
    settings = subscriber_settings(tmp_path, None)
    async with subscriber_site(aiohttp_client, settings, None) as s:
        status, page = await subscribe_hook(s, url)
        assert status == 400
        error = BeautifulSoup(page, "html.parser").select_one("#webhook-error")
        assert error is not None
        assert error.get_text().startswith("Webhook URL: the URL ")
        async with s.db.read() as session:
            assert list(await session.exec(select(Subscriber))) == []


async def test_a_name_that_resolves_inside_is_never_called(
    tmp_path: Path, aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer
) -> None:
    """A hostname that passed the form and later resolves to a private address (DNS
    rebinding): the send refuses it for good and the receiver hears nothing."""
    hook = await receiver(aiohttp_server)
    port = hook.url.split(":")[2].split("/")[0]
    settings = subscriber_settings(tmp_path, None)
    async with subscriber_site(aiohttp_client, settings, None) as s:
        url = f"http://localhost:{port}/hook"
        await s.add_webhook_directly(url)
        await s.open_incident("Anything", "Text.")
        await s.deliver()
        async with s.db.read() as session:
            (row,) = list(await session.exec(select(Notification)))
        assert row.state == "failed"
        assert "not a public address" in (row.last_error or "")
        assert hook.received == []


async def test_the_connection_resolver_drops_private_addresses() -> None:
    resolver = PublicOnlyResolver()
    try:
        with pytest.raises(OSError, match="no public address"):
            await resolver.resolve("localhost", 80)
    finally:
        await resolver.close()


async def test_a_redirect_from_a_subscriber_webhook_is_not_followed(
    tmp_path: Path, aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer
) -> None:
    inside = await receiver(aiohttp_server)
    hook = await receiver(aiohttp_server, Answer(302, "", {"Location": inside.url}))
    settings = subscriber_settings(tmp_path, None, ALLOW_PRIVATE)
    async with subscriber_site(aiohttp_client, settings, None) as s:
        assert (await subscribe_hook(s, hook.url))[0] == 200
        await s.open_incident("Anything", "Text.")
        await s.deliver()
        assert len(hook.received) == 1
        assert inside.received == []


async def test_a_webhook_answering_410_gone_is_unsubscribed(
    tmp_path: Path, aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer
) -> None:
    hook = await receiver(aiohttp_server, Answer(410, "gone"))
    settings = subscriber_settings(tmp_path, None, ALLOW_PRIVATE)
    async with subscriber_site(aiohttp_client, settings, None) as s:
        assert (await subscribe_hook(s, hook.url))[0] == 200
        await s.open_incident("First", "Text.")
        await s.deliver()
        async with s.db.read() as session:
            assert list(await session.exec(select(Subscriber))) == []
            assert list(await session.exec(select(Notification))) == []
        await s.open_incident("Second", "Text.")
        assert await s.deliver() == 0
        assert len(hook.received) == 1


async def test_a_webhook_answering_404_stays_subscribed(
    tmp_path: Path, aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer
) -> None:
    hook = await receiver(aiohttp_server, Answer(404, "not found"))
    settings = subscriber_settings(tmp_path, None, ALLOW_PRIVATE)
    async with subscriber_site(aiohttp_client, settings, None) as s:
        assert (await subscribe_hook(s, hook.url))[0] == 200
        await s.open_incident("First", "Text.")
        await s.deliver()
        async with s.db.read() as session:
            assert len(list(await session.exec(select(Subscriber)))) == 1
            (row,) = list(await session.exec(select(Notification)))
        assert row.state == "failed"
