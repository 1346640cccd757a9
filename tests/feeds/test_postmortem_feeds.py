"""A published post-mortem reaches both feeds: inside the history item, and as one
"Post-mortem published" entry of the updates feed that links to it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from storage.database import Database
from storage.incidents.edits import save_postmortem
from tests.api.factories import NOW, SITE_URL, open_incident, post
from tests.app_client import Client
from tests.feeds.helpers import content, fetch_feed, item_date, when

ATOM = "{http://www.w3.org/2005/Atom}"
POSTMORTEM = "A **missing index** made every query scan.\n\n- index added\n- alert on scans"
PUBLISHED_AT = NOW - timedelta(minutes=10)


async def resolved_incident(db: Database) -> int:
    incident = await open_incident(db, "Database latency", at=NOW - timedelta(hours=3))
    await post(db, incident, "resolved", "Fixed.", at=NOW - timedelta(hours=2))
    return incident


async def publish(db: Database, incident: int, *, publish: bool = True) -> None:
    await save_postmortem(db, incident, POSTMORTEM, publish=publish, now=PUBLISHED_AT, actor="test")


@pytest.mark.parametrize("path", ["/history.rss", "/history.atom"])
async def test_the_history_item_carries_the_published_postmortem_above_the_updates(
    client: Client, db: Database, path: str
) -> None:
    await publish(db, await resolved_incident(db))
    entry = (await fetch_feed(client, path)).entries[0]
    body = content(entry)
    assert "<strong>Post-mortem</strong> - A <strong>missing index</strong> made" in body
    assert "<li>index added</li>" in body
    assert body.index("Post-mortem") < body.index("<strong>Resolved</strong> - Fixed.")
    assert item_date(entry) == PUBLISHED_AT.replace(microsecond=0)


@pytest.mark.parametrize("path", ["/history.atom", "/updates.atom"])
async def test_a_postmortem_saved_but_not_published_reaches_no_feed(
    client: Client, db: Database, path: str
) -> None:
    await publish(db, await resolved_incident(db), publish=False)
    feed = await fetch_feed(client, path)
    assert not [e for e in feed.entries if "missing index" in content(e)]
    assert not [e for e in feed.entries if e.id.endswith("#postmortem")]


@pytest.mark.parametrize("path", ["/updates.rss", "/updates.atom"])
async def test_publishing_adds_exactly_one_updates_entry_that_links_to_the_postmortem(
    client: Client, db: Database, path: str
) -> None:
    incident = await resolved_incident(db)
    before = [e.id for e in (await fetch_feed(client, path)).entries]
    await publish(db, incident)
    entries = (await fetch_feed(client, path)).entries
    permalink = f"{SITE_URL}/incidents/{incident}"
    assert [e.id for e in entries] == [f"{permalink}#postmortem", *before]
    entry = entries[0]
    assert entry.title == "[Post-mortem published] Database latency"
    assert entry.link == f"{permalink}#postmortem"
    assert when(entry.published_parsed) == PUBLISHED_AT.replace(microsecond=0)
    assert "<strong>missing index</strong>" in content(entry)


async def test_the_updates_entry_is_well_formed_atom_with_its_own_id_link_and_dates(
    client: Client, db: Database
) -> None:
    incident = await resolved_incident(db)
    await publish(db, incident)
    response = await client.get("/updates.atom")
    entry = ET.fromstring(await response.read()).findall(f"{ATOM}entry")[0]
    permalink = f"{SITE_URL}/incidents/{incident}"
    assert entry.findtext(f"{ATOM}id") == f"{permalink}#postmortem"
    assert [link.get("href") for link in entry.findall(f"{ATOM}link")] == [
        f"{permalink}#postmortem"
    ]
    assert entry.findtext(f"{ATOM}published") == "2026-11-26T10:05:02.113000+00:00"
    assert entry.findtext(f"{ATOM}updated") == "2026-11-26T10:05:02.113000+00:00"


async def test_the_link_lands_on_the_postmortem_of_the_incident_page(
    client: Client, db: Database
) -> None:
    incident = await resolved_incident(db)
    await publish(db, incident)
    entry = (await fetch_feed(client, "/updates.atom")).entries[0]
    path, fragment = entry.link.removeprefix(SITE_URL).split("#")
    soup = BeautifulSoup(await (await client.get(path)).text(), "html.parser")
    section = soup.find(id=fragment)
    assert section is not None
    assert "missing index" in section.get_text()
