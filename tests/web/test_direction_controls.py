"""Text holding Unicode direction controls (a right-to-left override, say) is shown as
stored but isolated, so it cannot turn the page's text around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from statuspage.config import Settings
from statuspage.presentation.display import clean_text
from storage.database import Database
from tests.app_client import Client
from tests.web.factories import NOW, SITE, Bucket, Said, add_day, add_incident, settings_for

FLIPPED_NAME = "API \u202eegatuo"  # shown right to left: "API outage"
FLIPPED = f"""
[[components]]
id = "api"
name = "{FLIPPED_NAME}"
group = "Core \u2067services"
url = "http://127.0.0.1:9/health"
sla_ms = 200
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, site=SITE, components=FLIPPED)


async def test_a_name_with_direction_controls_is_isolated_from_the_text_around_it(
    client: Client, db: Database
) -> None:
    await add_day(db, "api", NOW.date(), Bucket(up=10))
    await add_incident(
        db, "Slow \u202ereplies", components={"api": "degraded_performance"},
        updates=[Said("investigating", "Looking", NOW)],
    )  # fmt: skip
    for path in ("/", "/components/api", "/history"):
        html = await (await client.get(path)).text()
        isolated = html.count(f"\u2068{FLIPPED_NAME}\u2069")  # as stored, isolated
        assert isolated > 0, path
        assert html.count(FLIPPED_NAME) == isolated, path  # and nowhere not isolated
    home = await (await client.get("/")).text()
    assert "\u2068Core \u2067services\u2069" in home
    assert "\u2068Slow \u202ereplies\u2069" in home


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("API", "API"),  # no direction control: as it is
        ("\u05d0\u05d1 API", "\u05d0\u05d1 API"),  # right-to-left letters alone need nothing
        ("a\u202eb", "\u2068a\u202eb\u2069"),
        ("a\u2066b", "\u2068a\u2066b\u2069"),
        ("a\u200fb", "\u2068a\u200fb\u2069"),
        ("a\u061cb", "\u2068a\u061cb\u2069"),
        ("a\u2069\u202eb", "\u2068a\u202eb\u2069"),  # a stray pop cannot end the isolate
        ("\u2067a\u2069b\u2069", "\u2068\u2067a\u2069b\u2069"),  # its own pops are kept
        ("a\x07\u202eb", "\u2068a\u202eb\u2069"),  # control characters still go
    ],
)
def test_clean_text_isolates_text_with_direction_controls(stored: str, shown: str) -> None:
    assert clean_text(stored) == shown
