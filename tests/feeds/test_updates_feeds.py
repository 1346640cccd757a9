"""`/updates.rss` and `/updates.atom`: one entry per incident update, each with its own id."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.database import Database
from tests.api.factories import NOW, SITE_URL, open_incident, post, schedule_maintenance
from tests.app_client import Client
from tests.feeds.helpers import content, fetch_feed, item_date, when

FORMATS = ["/updates.rss", "/updates.atom"]


@pytest.mark.parametrize("path", FORMATS)
async def test_each_update_is_an_entry_with_a_stable_id(
    client: Client, db: Database, path: str
) -> None:
    incident = await open_incident(db, "Database latency", at=NOW - timedelta(hours=1))
    update = await post(db, incident, "resolved", "Fixed.", at=NOW - timedelta(minutes=10))
    entries = (await fetch_feed(client, path)).entries
    assert len(entries) == 2
    assert entries[0].id == f"{SITE_URL}/incidents/{incident}#update-{update}"
    assert entries[0].title == "[Resolved] Database latency"
    assert entries[1].title == "[Investigating] Database latency"
    assert entries[0].link == f"{SITE_URL}/incidents/{incident}"


@pytest.mark.parametrize("path", FORMATS)
async def test_posting_an_update_adds_exactly_one_entry(
    client: Client, db: Database, path: str
) -> None:
    incident = await open_incident(db, at=NOW - timedelta(hours=1))
    before = [e.id for e in (await fetch_feed(client, path)).entries]
    update = await post(db, incident, "monitoring", "Watching.", at=NOW - timedelta(minutes=5))
    after = [e.id for e in (await fetch_feed(client, path)).entries]
    assert after == [f"{SITE_URL}/incidents/{incident}#update-{update}", *before]


async def test_entries_are_dated_when_each_update_was_posted(client: Client, db: Database) -> None:
    incident = await open_incident(db, at=NOW - timedelta(hours=1))
    await post(db, incident, "identified", "Found.", at=NOW - timedelta(minutes=20))
    entries = (await fetch_feed(client, "/updates.atom")).entries
    published = [when(e.published_parsed) for e in entries]
    assert published == [
        (NOW - timedelta(minutes=20)).replace(microsecond=0),
        (NOW - timedelta(hours=1)).replace(microsecond=0),
    ]
    assert [item_date(e) for e in entries] == published


async def test_the_body_is_rendered_markdown_with_affected_components(
    client: Client, db: Database
) -> None:
    await open_incident(
        db, body="Queries are **slow**.", components={"database": "degraded_performance"}
    )
    entry = (await fetch_feed(client, "/updates.atom")).entries[0]
    body = content(entry)
    assert "<strong>slow</strong>" in body
    assert "<li>Database: Degraded Performance</li>" in body
    assert [t.term for t in entry.tags] == ["database"]


async def test_a_maintenance_update_is_titled_with_its_status(client: Client, db: Database) -> None:
    await schedule_maintenance(db, "Database upgrade")
    entry = (await fetch_feed(client, "/updates.rss")).entries[0]
    assert entry.title == "[Scheduled] Database upgrade"
