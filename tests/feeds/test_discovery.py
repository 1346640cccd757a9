"""Pages announce the feeds: <link rel="alternate"> for readers, a link to /subscribe for people."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.app_client import Client
from tests.feeds.helpers import fetch_feed


@pytest.mark.parametrize("page", ["/", "/history", "/components/api"])
async def test_every_page_links_the_feeds_for_autodiscovery(client: Client, page: str) -> None:
    soup = BeautifulSoup(await (await client.get(page)).text(), "html.parser")
    links = {
        (str(link["type"]), str(link["href"])) for link in soup.select('head link[rel="alternate"]')
    }
    assert ("application/atom+xml", "/history.atom") in links
    assert ("application/rss+xml", "/history.rss") in links
    for _, href in links:
        await fetch_feed(client, href)


async def test_the_footer_offers_a_subscribe_link_to_the_page_that_explains_the_feeds(
    client: Client,
) -> None:
    soup = BeautifulSoup(await (await client.get("/")).text(), "html.parser")
    subscribe = soup.select_one("footer a[href='/subscribe']")
    assert subscribe is not None
    assert "Subscribe" in subscribe.get_text()
