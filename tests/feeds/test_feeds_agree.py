"""The history and updates feeds say the same thing the same way: one Markdown
rendering, and dates that mean what their names say."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from storage.database import Database
from tests.api.factories import NOW, SITE_URL, open_incident, post
from tests.app_client import Client
from tests.feeds.helpers import content, fetch_feed, when

ATOM = "{http://www.w3.org/2005/Atom}"
MESSAGE = "Queries are **slow**:\n\n- reads time out\n- writes queue\n\nSee [the docs](https://docs.example.test/db)."
RENDERED = (
    "<ul>\n<li>reads time out</li>\n<li>writes queue</li>\n</ul>\n"
    '<p>See <a href="https://docs.example.test/db" rel="nofollow noopener noreferrer">'
    "the docs</a>.</p>"
)
STARTED = NOW - timedelta(hours=3)
LATEST = NOW - timedelta(minutes=20)


@pytest.mark.parametrize("path", ["/history.rss", "/history.atom", "/updates.rss", "/updates.atom"])
async def test_every_feed_keeps_the_messages_markdown(
    client: Client, db: Database, path: str
) -> None:
    await open_incident(db, body=MESSAGE)
    body = content((await fetch_feed(client, path)).entries[0])
    assert "Queries are <strong>slow</strong>:</p>" in body
    assert RENDERED in body


async def test_the_history_item_and_the_update_entry_hold_the_same_html(
    client: Client, db: Database
) -> None:
    incident = await open_incident(db, body="First.")
    await post(db, incident, "identified", MESSAGE, at=LATEST)
    history = content((await fetch_feed(client, "/history.atom")).entries[0])
    update = content((await fetch_feed(client, "/updates.atom")).entries[0])
    message = update.split("<p>Affected components:")[0]
    assert message.startswith("<p>Queries are <strong>slow</strong>:</p>")
    assert "<strong>Identified</strong> - " + message.removeprefix("<p>") in history


async def test_a_history_entry_is_published_at_the_start_and_updated_at_the_latest_change(
    client: Client, db: Database
) -> None:
    incident = await open_incident(db, at=STARTED)
    await post(db, incident, "identified", "Found it.", at=LATEST)
    entry = (await fetch_feed(client, "/history.atom")).entries[0]
    assert when(entry.published_parsed) == STARTED.replace(microsecond=0)
    assert when(entry.updated_parsed) == LATEST.replace(microsecond=0)


async def test_the_raw_atom_entry_has_its_permalink_id_link_and_both_dates(
    client: Client, db: Database
) -> None:
    incident = await open_incident(db, at=STARTED)
    await post(db, incident, "identified", "Found it.", at=LATEST)
    xml = ET.fromstring(await (await client.get("/history.atom")).read())
    (entry,) = xml.findall(f"{ATOM}entry")
    permalink = f"{SITE_URL}/incidents/{incident}"
    assert entry.findtext(f"{ATOM}id") == permalink
    assert [link.get("href") for link in entry.findall(f"{ATOM}link")] == [permalink]
    assert entry.findtext(f"{ATOM}published") == "2026-11-26T07:15:02.113000+00:00"
    assert entry.findtext(f"{ATOM}updated") == "2026-11-26T09:55:02.113000+00:00"


async def test_the_rss_item_is_dated_by_its_latest_change_as_statuspage_does(
    client: Client, db: Database
) -> None:
    incident = await open_incident(db, at=STARTED)
    await post(db, incident, "identified", "Found it.", at=LATEST)
    xml = ET.fromstring(await (await client.get("/history.rss")).read())
    (item,) = xml.findall("channel/item")
    assert item.findtext("guid") == f"{SITE_URL}/incidents/{incident}"
    assert item.findtext("pubDate") == "Thu, 26 Nov 2026 09:55:02 +0000"


async def test_an_update_that_changed_nothing_lists_the_status_it_found_not_the_worst(
    client: Client, db: Database
) -> None:
    incident = await open_incident(db, components={"database": "major_outage"}, at=STARTED)
    await post(db, incident, "monitoring", "Recovering.", at=LATEST - timedelta(minutes=5),
               components={"database": "degraded_performance"})  # fmt: skip
    await post(db, incident, "monitoring", "Still watching.", at=LATEST)
    entry = (await fetch_feed(client, "/updates.atom")).entries[0]
    assert entry.title == "[Monitoring] Database latency"
    assert "<li>Database: Degraded Performance</li>" in content(entry)
