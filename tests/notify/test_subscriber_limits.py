"""The list is bounded (`[subscribers] max_*`): a script cannot grow it without end or
aim the page's webhooks at one host, and whoever is on it is served as before."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pytest_aiohttp import AiohttpClient
from sqlmodel import select

from storage.tables.subscribers import Subscriber
from tests.notify.mailbox import Mailbox
from tests.notify.subscriber_site import SubscriberSite, subscriber_settings, subscriber_site

LIMITS = "max_subscribers = 4\nmax_webhooks = 3\nmax_webhooks_per_host = 2"


@pytest.fixture
async def s(
    tmp_path: Path, aiohttp_client: AiohttpClient, mailbox: Mailbox, db_url: str
) -> AsyncIterator[SubscriberSite]:
    settings = subscriber_settings(tmp_path, mailbox.port, LIMITS, db_url=db_url)
    async with subscriber_site(aiohttp_client, settings, mailbox) as place:
        yield place


async def addresses(s: SubscriberSite) -> set[str]:
    async with s.db.read() as session:
        return set(await session.exec(select(Subscriber.address)))


async def webhook(s: SubscriberSite, url: str) -> tuple[int, str]:
    response = await s.client.post("/subscribe/webhook", data={"url": url})
    return response.status, BeautifulSoup(await response.text(), "html.parser").get_text(" ")


async def email(s: SubscriberSite, address: str) -> tuple[int, str]:
    response = await s.client.post("/subscribe/email", data={"email": address})
    return response.status, BeautifulSoup(await response.text(), "html.parser").get_text(" ")


async def test_every_spelling_of_one_host_counts_towards_its_webhooks(s: SubscriberSite) -> None:
    assert (await webhook(s, "https://hooks.example.com/a"))[0] == 200
    assert (await webhook(s, "https://HOOKS.Example.com./b"))[0] == 200
    for third in (
        "https://hooks.example.com/c",
        "https://hooks.example.com:8443/d",  # another port is the same host
        "https://hooks.EXAMPLE.com/e?x=1",
    ):
        status, text = await webhook(s, third)
        assert status == 400
        assert "the page posts to 2 webhooks at hooks.example.com already" in text
    assert await addresses(s) == {"https://hooks.example.com/a", "https://HOOKS.Example.com./b"}
    assert (await webhook(s, "https://other.example.net/x"))[0] == 200


async def test_the_form_keeps_the_url_and_labels_the_problem(s: SubscriberSite) -> None:
    for path in ("/a", "/b"):
        await webhook(s, "https://hooks.example.com" + path)
    response = await s.client.post(
        "/subscribe/webhook", data={"url": "https://hooks.example.com/third"}
    )
    soup = BeautifulSoup(await response.text(), "html.parser")
    field = soup.select_one('input[name="url"]')
    assert field is not None
    assert field.get("value") == "https://hooks.example.com/third"
    assert "the URL: the page posts to 2 webhooks" in soup.get_text(" ")


async def test_past_the_webhook_limit_a_new_url_is_refused_and_an_old_one_served(
    s: SubscriberSite,
) -> None:
    for url in ("https://a.example.com/", "https://b.example.com/", "https://c.example.com/"):
        assert (await webhook(s, url))[0] == 200
    status, text = await webhook(s, "https://d.example.com/")
    assert status == 503
    assert "Not taking new subscriptions" in text
    assert "feeds" in text
    status, text = await webhook(s, "https://a.example.com/")
    assert (status, "already subscribed" in text) == (200, True)
    assert "https://d.example.com/" not in await addresses(s)


async def test_past_the_page_limit_no_new_address_is_taken_of_any_kind(
    s: SubscriberSite,
) -> None:
    for address in ("a@example.com", "b@example.com", "c@example.com"):
        assert (await email(s, address))[0] == 200
    assert (await webhook(s, "https://a.example.com/"))[0] == 200  # the fourth
    assert (await email(s, "d@example.com"))[0] == 503
    assert (await webhook(s, "https://b.example.com/"))[0] == 503
    assert (await email(s, "a@example.com"))[0] == 200  # on the list: asks again
    assert len(await addresses(s)) == 4


async def test_an_idna_spelling_is_the_same_host(s: SubscriberSite) -> None:
    assert (await webhook(s, "https://hööks.example.com/a"))[0] == 200
    assert (await webhook(s, "https://xn--hks-snaa.example.com/b"))[0] == 200
    status, text = await webhook(s, "https://HÖÖKS.example.com/c")
    assert status == 400
    assert "2 webhooks at xn--hks-snaa.example.com" in text


async def test_every_spelling_of_one_address_is_one_host(
    tmp_path: Path, aiohttp_client: AiohttpClient, mailbox: Mailbox
) -> None:
    """The C library reads these as 1.2.3.4, and so does the HTTP client."""
    settings = subscriber_settings(tmp_path, mailbox.port, "max_webhooks_per_host = 2")
    async with subscriber_site(aiohttp_client, settings, mailbox) as s:
        assert (await webhook(s, "https://1.2.3.4/a"))[0] == 200
        assert (await webhook(s, "https://16909060/b"))[0] == 200
        for spelling in (
            "https://1.2.772/c",
            "https://01.02.03.04/d",
            "https://[::ffff:1.2.3.4]/e",
        ):
            status, text = await webhook(s, spelling)
            assert status == 400, spelling
            assert "2 webhooks at 1.2.3.4 already" in text
