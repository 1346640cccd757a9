"""Badges: shields-style SVG, server-rendered, escaped, cacheable."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from statuspage.api.badges import Badge, render_badge
from storage.database import Database
from storage.manual_status import set_component_status
from tests.api.factories import NOW, measure, open_incident
from tests.app_client import Client

SVG_NS = "{http://www.w3.org/2000/svg}"


async def badge_texts(client: Client, query: str, component: str = "api") -> list[str]:
    response = await client.get(f"/components/{component}/badge.svg{query}")
    assert response.status == 200, await response.text()
    assert response.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = ET.fromstring(await response.text())
    return [t.text or "" for t in root.iter(f"{SVG_NS}text")]


async def test_the_status_badge_says_the_current_status(client: Client, db: Database) -> None:
    await open_incident(db, components={"api": "partial_outage"})
    assert await badge_texts(client, "") == ["API", "partial outage"]


async def test_a_component_with_no_data_says_so(client: Client) -> None:
    assert await badge_texts(client, "?type=status") == ["API", "no data"]


async def test_the_uptime_badge_rounds_down(client: Client, db: Database) -> None:
    await measure(db, "api", ["up"] * 9 + ["down"])
    assert await badge_texts(client, "?type=uptime&window=24h") == ["API uptime 24h", "90.00 %"]


async def test_a_manual_components_uptime_badge_is_its_reported_status_uptime(
    client: Client, db: Database
) -> None:
    for status, hours_ago in (("operational", 30), ("major_outage", 10), ("operational", 4)):
        at = NOW - timedelta(hours=hours_ago)
        await set_component_status(db, "notifications", status, now=at, actor="alice")
    texts = await badge_texts(client, "?type=uptime&window=24h", "notifications")
    assert texts == ["Customer notifications uptime 24h", "75.00 %"]  # as in its uptime.json


async def test_the_latency_badge_shows_p95(client: Client, db: Database) -> None:
    await measure(db, "api", ["up"] * 5, latency_ms=300.0)
    label, value = await badge_texts(client, "?type=latency")
    assert label == "API p95 24h"
    assert value.endswith(" ms")


async def test_an_unknown_type_is_a_400(client: Client) -> None:
    response = await client.get("/components/api/badge.svg?type=colour")
    assert response.status == 400


async def test_an_unknown_component_is_a_404(client: Client) -> None:
    assert (await client.get("/components/nope/badge.svg")).status == 404


async def test_badges_carry_cache_validators(client: Client) -> None:
    first = await client.get("/components/api/badge.svg")
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    again = await client.get(
        "/components/api/badge.svg", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status == 304


def test_markup_in_a_label_is_escaped_and_controls_removed() -> None:
    svg = render_badge(Badge('<script>"x"</script>\x00', "ok & fine", "#3c8527"))
    root = ET.fromstring(svg)
    assert [t.text for t in root.iter(f"{SVG_NS}text")] == ['<script>"x"</script>', "ok & fine"]
    assert "<script>" not in svg


def test_long_text_is_cut() -> None:
    root = ET.fromstring(render_badge(Badge("x" * 500, "y", "#3c8527")))
    assert len(next(root.iter(f"{SVG_NS}text")).text or "") == 60
