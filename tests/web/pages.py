"""Helpers to fetch and parse pages in tests."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from storage.database import Database
from tests.app_client import Client
from tests.web.factories import NOW, Said, add_incident


async def fetch(client: Client, path: str, status: int = 200) -> BeautifulSoup:
    response = await client.get(path)
    text = await response.text()
    assert response.status == status, text[:500]
    return BeautifulSoup(text, "html.parser")


def one(soup: BeautifulSoup | Tag, selector: str) -> Tag:
    found = soup.select(selector)
    assert len(found) == 1, f"{selector}: {len(found)} matches"
    return found[0]


def text_of(tag: Tag | None) -> str:
    assert tag is not None
    return " ".join(tag.get_text(" ").split())


def attr(tag: Tag | None, name: str) -> str:
    """An attribute as one string ("" when absent)."""
    assert tag is not None
    value = tag.get(name)
    return "" if value is None else value if isinstance(value, str) else " ".join(value)


def level_of(day_link: Tag) -> str:
    """A front-page day link's level letter: its anchor starts with it (g, f, p, b, n)."""
    return attr(day_link, "href").partition("#")[2][:1]


async def every_page(client: Client, db: Database) -> dict[str, BeautifulSoup]:
    """Each kind of page once (with an incident to show), parsed, by path."""
    incident_id = await add_incident(
        db, "Outage", components={"api": "major_outage"}, updates=[Said("identified", "x", NOW)]
    )
    paths = [
        "/",
        "/components/api",
        "/components/notifications",
        "/history",
        f"/incidents/{incident_id}",
        "/subscribe",
        "/missing",
    ]
    pages = {}
    for path in paths:
        pages[path] = BeautifulSoup(await (await client.get(path)).text(), "html.parser")
    return pages
