"""`/components/{id}/history.rss|atom`: the incidents that touched one component."""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.api.factories import SITE_URL, open_incident
from tests.app_client import Client
from tests.feeds.helpers import fetch_feed

FORMATS = ["rss", "atom"]


@pytest.mark.parametrize("suffix", FORMATS)
async def test_only_incidents_touching_the_component_are_listed(
    client: Client, db: Database, suffix: str
) -> None:
    await open_incident(db, "Database latency", components={"database": "degraded_performance"})
    await open_incident(db, "API errors", components={"api": "major_outage"})
    feed = await fetch_feed(client, f"/components/api/history.{suffix}")
    assert [e.title for e in feed.entries] == ["API errors"]


async def test_it_names_the_component_and_links_its_page(client: Client) -> None:
    feed = (await fetch_feed(client, "/components/database/history.atom")).feed
    assert feed.title == "Example Status - Database: incident history"
    links = {link.rel: link.href for link in feed.links}
    assert links["alternate"] == f"{SITE_URL}/components/database"
    assert links["self"] == f"{SITE_URL}/components/database/history.atom"


async def test_an_unknown_component_has_no_feed(client: Client) -> None:
    assert (await client.get("/components/nope/history.rss")).status == 404
