"""An error page announces only the site-wide feeds: its address is not a page, so a
feed "under" it (such as /components/api/badge.svg/history.atom) does not exist."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.app_client import Client
from tests.feeds.helpers import fetch_feed

SITE_FEEDS = {"/history.atom", "/history.rss", "/updates.atom", "/updates.rss"}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/components/api/badge.svg?type=bad", 400),
        ("/components/api/badge.svg?type=uptime&window=1y", 400),
        ("/components/no-such-component", 404),
        ("/components/api/no-such-page", 404),
    ],
)
async def test_an_error_page_announces_only_feeds_that_exist(
    client: Client, path: str, status: int
) -> None:
    response = await client.get(path)
    assert response.status == status
    soup = BeautifulSoup(await response.text(), "html.parser")
    announced = {str(link["href"]) for link in soup.select('head link[rel="alternate"]')}
    assert announced == SITE_FEEDS
    # The footer leads to the page that lists every feed, wherever the reader is.
    assert soup.select_one('footer a[href="/subscribe"]') is not None
    for href in announced:
        await fetch_feed(client, href)
