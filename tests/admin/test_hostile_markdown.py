"""Hostile text typed into the admin area is inert wherever it is shown again."""

from __future__ import annotations

import feedparser
import pytest
from bs4 import BeautifulSoup

from tests.admin.helpers import open_incident, post_form
from tests.app_client import Client

HOSTILE = "\n\n".join(
    [
        "<script>alert('body')</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![pixel](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        '<a href="https://ok.example" onclick="alert(1)">raw link</a>',
        "<iframe src=https://evil.example></iframe>",
        "<b onmouseover=alert(1)>bold</b>",
    ]
)
HOSTILE_NAME = "<script>alert('title')</script> Outage"


def assert_inert(html: str, allowed_scripts: int = 0) -> None:
    page = BeautifulSoup(html, "html.parser")
    scripts = page.find_all("script")
    assert all(str(s.get("src") or "").startswith("/static/") for s in scripts), scripts
    assert len(scripts) <= allowed_scripts
    assert page.find("iframe") is None
    for tag in page.find_all(True):
        assert not any(name.lower().startswith("on") for name in tag.attrs), tag
        for name in ("href", "src", "action"):
            value = str(tag.get(name, "")).strip().lower()
            assert not value.startswith(("javascript:", "data:text", "data:image/svg")), tag


@pytest.fixture
async def hostile_id(admin: Client) -> int:
    return await open_incident(admin, name=HOSTILE_NAME, body=HOSTILE)


async def test_the_admin_preview_is_inert(admin: Client) -> None:
    form = {"name": HOSTILE_NAME, "body": HOSTILE, "action": "preview"}
    response = await post_form(admin, "/admin/incidents", form)
    assert response.status == 200
    assert_inert(await response.text())


@pytest.mark.parametrize(
    "path", ["/admin", "/admin/incidents", "/admin/incidents/{id}", "/admin/audit"]
)
async def test_admin_pages_show_it_inert(admin: Client, hostile_id: int, path: str) -> None:
    html = await (await admin.get(path.format(id=hostile_id))).text()
    assert_inert(html)


@pytest.mark.parametrize("path", ["/", "/incidents/{id}", "/history"])
async def test_public_pages_show_it_inert(admin: Client, hostile_id: int, path: str) -> None:
    response = await admin.get(path.format(id=hostile_id))
    assert response.status == 200
    html = await response.text()
    assert_inert(html, allowed_scripts=1)
    assert "&lt;script&gt;alert(&#39;title&#39;)" in html or "&lt;script&gt;alert('title')" in html


async def test_the_api_gives_it_as_plain_text_in_json(admin: Client, hostile_id: int) -> None:
    response = await admin.get("/api/v2/incidents.json")
    assert response.content_type == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = (await response.json())["incidents"][0]["incident_updates"][0]["body"]
    assert "<script>alert('body')</script>" in text  # what was typed, as text, not markup
    assert "bold" in text


async def test_the_feed_carries_it_inert(admin: Client, hostile_id: int) -> None:
    feed = feedparser.parse(await (await admin.get("/history.atom")).read())
    (entry,) = feed.entries
    assert_inert(str(entry.content[0].value))
