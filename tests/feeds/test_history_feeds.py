"""`/history.rss` and `/history.atom`: Statuspage style, one item per incident."""

from __future__ import annotations

from datetime import timedelta

import pytest

from statuspage import keys
from storage.database import Database
from storage.incidents.edits import delete_incident
from tests.api.factories import NOW, SITE_URL, open_incident, post, schedule_maintenance
from tests.app_client import Client
from tests.feeds.helpers import content, fetch_feed, item_date

FORMATS = ["/history.rss", "/history.atom"]


@pytest.mark.parametrize("path", FORMATS)
async def test_each_incident_is_one_item_named_by_its_permalink(
    client: Client, db: Database, path: str
) -> None:
    first = await open_incident(db, "Database latency", at=NOW - timedelta(hours=3))
    second = await open_incident(db, "API errors", components={"api": "major_outage"})
    await post(db, first, "resolved", "Fixed.", at=NOW - timedelta(hours=2))
    feed = await fetch_feed(client, path)
    assert [e.title for e in feed.entries] == ["API errors", "Database latency"]
    assert [e.id for e in feed.entries] == [
        f"{SITE_URL}/incidents/{second}",
        f"{SITE_URL}/incidents/{first}",
    ]
    assert [e.link for e in feed.entries] == [e.id for e in feed.entries]


@pytest.mark.parametrize("path", FORMATS)
async def test_an_update_moves_the_item_date_but_not_its_id(
    client: Client, db: Database, path: str
) -> None:
    incident = await open_incident(db, at=NOW - timedelta(hours=2))
    before = (await fetch_feed(client, path)).entries[0]
    await post(db, incident, "identified", "Found it.", at=NOW - timedelta(minutes=5))
    after = (await fetch_feed(client, path)).entries[0]
    assert after.id == before.id
    assert item_date(before) == (NOW - timedelta(hours=2)).replace(microsecond=0)
    assert item_date(after) == (NOW - timedelta(minutes=5)).replace(microsecond=0)


@pytest.mark.parametrize("path", FORMATS)
async def test_the_body_holds_every_update_newest_first(
    client: Client, db: Database, path: str
) -> None:
    incident = await open_incident(db, body="Looking.", at=NOW - timedelta(hours=2))
    await post(db, incident, "investigating", "Still looking.", at=NOW - timedelta(hours=1))
    await post(db, incident, "resolved", "All fixed.", at=NOW - timedelta(minutes=30))
    body = content((await fetch_feed(client, path)).entries[0])
    order = [body.index(s) for s in ("All fixed.", "Still looking.", "Looking.")]
    assert order == sorted(order)
    assert "<strong>Resolved</strong> - All fixed." in body
    assert "<strong>Update</strong> - Still looking." in body
    assert "<strong>Investigating</strong> - Looking." in body
    assert "<small>26 Nov 2026, 10:45 CET</small>" in body


@pytest.mark.parametrize("path", FORMATS)
async def test_maintenance_opens_with_the_scheduled_event_line(
    client: Client, db: Database, path: str
) -> None:
    await schedule_maintenance(db, starts=NOW + timedelta(days=1), hours=2)
    body = content((await fetch_feed(client, path)).entries[0])
    assert body.startswith(
        "<p><strong>THIS IS A SCHEDULED EVENT 27 Nov 2026, 11:15 - 13:15 CET</strong></p>"
    )


async def test_drafts_and_deleted_incidents_are_left_out(client: Client, db: Database) -> None:
    await open_incident(db, "Draft", draft=True)
    await delete_incident(db, await open_incident(db, "Deleted"), now=NOW, actor="test")
    await open_incident(db, "Shown")
    feed = await fetch_feed(client, "/history.atom")
    assert [e.title for e in feed.entries] == ["Shown"]


async def test_the_feed_links_itself_and_the_history_page(client: Client) -> None:
    feed = (await fetch_feed(client, "/history.atom")).feed
    links = {link.rel: link.href for link in feed.links}
    assert links == {"self": f"{SITE_URL}/history.atom", "alternate": f"{SITE_URL}/history"}
    assert feed.id == f"{SITE_URL}/history"


async def test_rss_links_the_history_page(client: Client) -> None:
    feed = (await fetch_feed(client, "/history.rss")).feed
    assert feed.link == f"{SITE_URL}/history"


async def test_an_empty_feed_is_still_valid(client: Client) -> None:
    feed = await fetch_feed(client, "/history.rss")
    assert feed.entries == []


async def test_feeds_answer_304_to_a_matching_etag(client: Client) -> None:
    first = await client.get("/history.atom")
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    again = await client.get("/history.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304


async def test_an_unchanged_feed_keeps_its_etag(client: Client, db: Database) -> None:
    await open_incident(db)
    first = await client.get("/history.rss")
    client.app[keys.WEB].cache.clear()  # rendered again, from the same data
    second = await client.get("/history.rss")
    assert first.headers["ETag"] == second.headers["ETag"]
