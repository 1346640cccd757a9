"""Titles and the feed description are plain text: markup typed into an incident name or
the site name shows as the characters typed, also in a reader that renders RSS titles as
HTML. RSS carries them escaped twice; Atom marks them type="text"."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from statuspage.config import Settings
from storage.database import Database
from tests.api.factories import CONFIG, open_incident, settings_for
from tests.app_client import Client
from tests.feeds.helpers import fetch_feed

NAME = "Broken <b>thing</b> & <script>alert(1)</script>"
SITE = "Example <i>Status</i> & Co"
RSS = ["/history.rss", "/updates.rss", "/components/database/history.rss"]
ATOM = [path.replace(".rss", ".atom") for path in RSS]
ATOM_NS = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, CONFIG.replace('name = "Example Status"', f'name = "{SITE}"'))


class Rendered(HTMLParser):
    """What a browser would make of a string rendered as HTML: its text and its tags."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.tags = "", list[str]()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


async def raw_xml(client: Client, path: str) -> ET.Element:
    return ET.fromstring(await (await client.get(path)).read())


@pytest.mark.parametrize("path", RSS)
async def test_rss_titles_rendered_as_html_show_the_markup_as_text(
    client: Client, db: Database, path: str
) -> None:
    await open_incident(db, NAME)
    feed = await fetch_feed(client, path)
    for value in (feed.feed.title, feed.feed.subtitle):
        assert (Rendered(value).tags, SITE in Rendered(value).text) == ([], True), value
    title = Rendered(feed.entries[0].title)
    assert title.tags == []
    assert title.text.endswith(NAME)


@pytest.mark.parametrize("path", RSS)
async def test_rss_carries_titles_escaped_once_more_than_xml_needs(
    client: Client, db: Database, path: str
) -> None:
    await open_incident(db, NAME)
    channel = (await raw_xml(client, path)).find("channel")
    assert channel is not None
    assert channel.findtext("title", "").startswith("Example &lt;i&gt;Status&lt;/i&gt; &amp; Co")
    assert channel.findtext("description", "").startswith("Example &lt;i&gt;Status&lt;/i&gt;")
    item_title = channel.findtext("item/title", "")
    assert item_title.endswith(
        "Broken &lt;b&gt;thing&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"
    )


@pytest.mark.parametrize("path", ATOM)
async def test_atom_titles_are_marked_plain_text_and_read_as_typed(
    client: Client, db: Database, path: str
) -> None:
    await open_incident(db, NAME)
    root = await raw_xml(client, path)
    titles = [*root.iter(ATOM_NS + "title"), *root.iter(ATOM_NS + "subtitle")]
    assert len(titles) == 3
    assert {element.get("type") for element in titles} == {"text"}
    feed = await fetch_feed(client, path)
    assert feed.feed.title_detail.type == "text/plain"
    assert SITE in feed.feed.title
    assert feed.entries[0].title_detail.type == "text/plain"
    assert feed.entries[0].title.endswith(NAME)
