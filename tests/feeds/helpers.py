"""Fetch a feed, check it is well-formed XML, and parse it with feedparser."""

from __future__ import annotations

import calendar
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

import feedparser

from tests.app_client import Client

CONTENT_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


async def fetch_feed(client: Client, path: str) -> Any:
    response = await client.get(path)
    assert response.status == 200, await response.text()
    kind = path.rsplit(".", 1)[-1]
    assert response.headers["Content-Type"] == f"{CONTENT_TYPES[kind]}; charset=utf-8"
    return parse(await response.read())


def parse(xml: bytes) -> Any:
    ET.fromstring(xml)  # well-formed, or this raises
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def when(parsed_time: Any) -> datetime:
    """A feedparser `*_parsed` struct (UTC) as an aware datetime."""
    return datetime.fromtimestamp(calendar.timegm(parsed_time), UTC)


def content(entry: Any) -> str:
    """The entry's HTML body, from Atom content or RSS description."""
    if "content" in entry:
        return str(entry.content[0].value)
    return str(entry.description)


def item_date(entry: Any) -> datetime:
    """Atom `updated`, or RSS `pubDate` (feedparser calls it `published`)."""
    parsed = entry.updated_parsed if "updated_parsed" in entry else entry.published_parsed
    return when(parsed)
