"""`/subscribe`: every feed, explained, with an address to copy; reached from every page."""

from __future__ import annotations

import pytest

from tests.app_client import Client
from tests.feeds.helpers import fetch_feed
from tests.web.pages import attr, fetch, one, text_of

SITE_URL = "http://status.acme.test"
FEED_PATHS = [
    "/history.atom", "/history.rss", "/updates.atom", "/updates.rss",
    "/components/api/history.atom", "/components/api/history.rss",
    "/components/database/history.atom", "/components/database/history.rss",
    "/components/notifications/history.atom", "/components/notifications/history.rss",
]  # fmt: skip


async def test_every_feed_is_listed_with_its_full_address_to_copy(client: Client) -> None:
    soup = await fetch(client, "/subscribe")
    fields = soup.select("main input.copy")
    urls = [attr(f, "value") for f in fields]
    assert urls == [SITE_URL + path for path in FEED_PATHS] + [f"{SITE_URL}/api/v2/summary.json"]
    assert all(f.has_attr("readonly") and attr(f, "type") == "text" for f in fields)


async def test_each_address_is_labelled_with_its_feed_and_format(client: Client) -> None:
    soup = await fetch(client, "/subscribe")
    labels = [
        text_of(one(soup, f'label[for="{attr(f, "id")}"]')) for f in soup.select("input.copy")
    ]
    assert labels[:4] == [
        "Incident history, Atom", "Incident history, RSS",
        "Every update, Atom", "Every update, RSS",
    ]  # fmt: skip
    assert labels[4] == "API, Atom"
    assert len(set(labels)) == len(labels)


async def test_each_feed_says_what_its_entries_are(client: Client) -> None:
    soup = await fetch(client, "/subscribe")
    feeds = {text_of(f.select_one(".feed-name")): text_of(f) for f in soup.select(".feed")}
    assert "One entry per incident or maintenance" in feeds["Incident history"]
    assert "One entry per update we post" in feeds["Every update"]
    assert "Incidents and maintenance that affect Database." in feeds["Database"]


async def test_every_listed_feed_is_served_and_parses(client: Client) -> None:
    soup = await fetch(client, "/subscribe")
    links = [attr(a, "href") for a in soup.select(".feed-addresses a")]
    assert links == [*FEED_PATHS, "/api/v2/summary.json"]
    for path in FEED_PATHS:
        await fetch_feed(client, path)


@pytest.mark.parametrize("path", ["/", "/history", "/components/api", "/subscribe"])
async def test_the_footer_and_navigation_lead_to_the_subscribe_page_not_to_raw_xml(
    client: Client, path: str
) -> None:
    soup = await fetch(client, path)
    assert attr(one(soup, "footer .subscribe a"), "href") == "/subscribe"
    assert [attr(a, "href") for a in soup.select("footer a") if ".atom" in attr(a, "href")] == []
    nav = one(soup, "nav[aria-label='Status page'] a[href='/subscribe']")
    assert (attr(nav, "aria-current") == "page") == (path == "/subscribe")


async def test_the_subscribe_page_keeps_feed_autodiscovery(client: Client) -> None:
    soup = await fetch(client, "/subscribe")
    hrefs = [attr(link, "href") for link in soup.select('head link[rel="alternate"]')]
    assert hrefs == ["/history.atom", "/history.rss", "/updates.atom", "/updates.rss"]
