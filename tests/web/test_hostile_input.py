"""Hostile names, titles and bodies are shown as inert text, wherever they appear."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from statuspage.config import Settings
from storage.database import Database
from tests.app_client import Client
from tests.web.factories import NOW, SITE, Bucket, Said, add_day, add_incident, settings_for
from tests.web.pages import attr, one, text_of

NAME = '<script>alert(1)</script>\\" onmouseover=\\"alert(2)\\u0007\'; DROP TABLE components;--'
SHOWN_NAME = '<script>alert(1)</script>" onmouseover="alert(2)\'; DROP TABLE components;--'
HOSTILE = f"""
[[components]]
id = "api"
name = "{NAME}"
group = "<b>Group</b>\\u0007"
description = "<img src=x onerror=alert(3)> javascript:alert(4)"
url = "http://127.0.0.1:9/health"
sla_ms = 200
show_url = true
"""
TITLE = '<script>alert(5)</script>" onmouseover="alert(6)\x07'
BODY = (
    "<script>alert(7)</script>\n\n[click](javascript:alert(8)) <img src=x onerror=alert(9)>"
    ' \x00\x1b\' OR 1=1; --\n\n<a href="javascript:alert(10)">x</a>'
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, site=SITE, components=HOSTILE)


async def pages(client: Client, db: Database) -> dict[str, str]:
    await add_day(db, "api", NOW.date(), Bucket(up=10))
    incident_id = await add_incident(
        db, TITLE, components={"api": "major_outage"}, updates=[Said("investigating", BODY, NOW)]
    )
    paths = ["/", "/components/api", "/history", f"/incidents/{incident_id}"]
    return {path: await (await client.get(path)).text() for path in paths}


async def test_no_hostile_markup_becomes_script_handler_or_link(
    client: Client, db: Database
) -> None:
    for path, html in (await pages(client, db)).items():
        soup = BeautifulSoup(html, "html.parser")
        scripts = [attr(s, "src") for s in soup.find_all("script")]
        assert len(scripts) == 1, path
        assert scripts[0].startswith("/static/enhance.js"), path
        for tag in soup.find_all(True):
            assert not [a for a in tag.attrs if a.startswith("on")], (path, tag.name)
            for attribute in ("href", "src"):
                value = str(tag.get(attribute, "")).strip().lower()
                assert not value.startswith("javascript:"), (path, value)
        assert soup.find("img") is None, path


async def test_control_characters_never_reach_the_page(client: Client, db: Database) -> None:
    for path, html in (await pages(client, db)).items():
        assert not any(c in html for c in "\x00\x07\x1b"), path


async def test_hostile_names_are_shown_as_the_text_they_are(client: Client, db: Database) -> None:
    html = await pages(client, db)
    home = BeautifulSoup(html["/"], "html.parser")
    assert text_of(one(home, "#component-api h4")) == SHOWN_NAME
    assert attr(one(home, "#component-api .days"), "aria-label").startswith(SHOWN_NAME)
    assert text_of(one(home, ".group-title")) == "<b>Group</b>"
    incident = BeautifulSoup(
        html[next(p for p in html if p.startswith("/incidents"))], "html.parser"
    )
    assert text_of(one(incident, "h1")) == '<script>alert(5)</script>" onmouseover="alert(6)'
    assert "' OR 1=1; --" in text_of(one(incident, ".update-body"))


async def test_a_shown_target_url_is_text_not_a_link(client: Client, db: Database) -> None:
    component = BeautifulSoup((await pages(client, db))["/components/api"], "html.parser")
    target = one(component, "#component-api .target code")
    assert target.string == "http://127.0.0.1:9/health"
    assert target.find_parent("a") is None
