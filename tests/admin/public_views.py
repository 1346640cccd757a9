"""What the public side shows: the front page, the v2 API and the history feed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import feedparser
from bs4 import BeautifulSoup

from tests.app_client import Client


@dataclass(frozen=True)
class PublicView:
    active: list[str]  # names of active incidents on the front page
    past: list[str]  # names under "Past incidents"
    api: dict[str, Any]  # the incident in /api/v2/incidents.json, by name
    feed_titles: list[str]  # /history.atom entry titles
    feed_bodies: list[str]


async def public_view(client: Client) -> PublicView:
    home = BeautifulSoup(await (await client.get("/")).text(), "html.parser")
    response = await client.get("/api/v2/incidents.json")
    assert response.status == 200
    incidents = (await response.json())["incidents"]
    feed = feedparser.parse(await (await client.get("/history.atom")).read())
    return PublicView(
        active=_names(home, "section.incidents.active"),
        past=_names(home, "section.incidents.past"),
        api={i["name"]: i for i in incidents},
        feed_titles=[str(e.title) for e in feed.entries],
        feed_bodies=[str(e.content[0].value) for e in feed.entries],
    )


def _names(page: BeautifulSoup, selector: str) -> list[str]:
    section = page.select_one(selector)
    if section is None:
        return []
    return [h.get_text(strip=True) for h in section.select(".incident-name")]
