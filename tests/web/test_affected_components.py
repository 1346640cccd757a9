"""An incident page lists each affected component with the worst status it had."""

from __future__ import annotations

import re
from datetime import timedelta

from statuspage.http.assets import STATIC_DIR
from storage.database import Database
from tests.api.factories import open_incident, post
from tests.app_client import Client
from tests.web.factories import NOW
from tests.web.pages import fetch, one, text_of


async def test_a_resolved_incident_shows_the_worst_status_not_the_last_one(
    client: Client, db: Database
) -> None:
    incident = await open_incident(
        db, components={"database": "degraded_performance"}, at=NOW - timedelta(hours=2)
    )
    for minutes, status, said in ((90, "identified", "major_outage"),
                                  (60, "monitoring", "degraded_performance")):  # fmt: skip
        at = NOW - timedelta(minutes=minutes)
        await post(db, incident, status, "Said.", components={"database": said}, at=at)
    await post(db, incident, "resolved", "Fixed.", at=NOW - timedelta(minutes=30))
    soup = await fetch(client, f"/incidents/{incident}")
    section = one(soup, "section[aria-labelledby=affected-title]")
    assert [text_of(li) for li in section.select("ul.affected li")] == ["Database: Major Outage"]
    assert "worst status it had during this incident" in text_of(section)


async def test_the_updates_keep_showing_the_status_each_one_announced(
    client: Client, db: Database
) -> None:
    incident = await open_incident(
        db, components={"database": "major_outage"}, at=NOW - timedelta(hours=2)
    )
    await post(db, incident, "resolved", "Fixed.", at=NOW - timedelta(minutes=30))
    soup = await fetch(client, f"/incidents/{incident}")
    changes = [text_of(ul) for ul in soup.select("ul.affected-changes")]
    assert changes == [
        "Database: Major Outage → Operational",
        "Database: Operational → Major Outage",
    ]


async def test_an_updates_component_changes_stand_apart_from_its_markdown_list(
    client: Client, db: Database
) -> None:
    incident = await open_incident(
        db, components={"database": "major_outage"}, at=NOW - timedelta(hours=2)
    )
    body = "We are:\n\n- restarting the primary\n- watching replication"
    await post(db, incident, "identified", body, components={"database": "partial_outage"})
    update = (await fetch(client, f"/incidents/{incident}")).select("li.update")[0]  # newest
    words, changes = one(update, ".update-body"), one(update, ".changes")
    assert len(words.select("ul li")) == 2
    assert changes.find_parent(class_="update-body") is None  # a panel of its own
    assert text_of(one(changes, ".changes-title")) == "Component changes"
    assert [text_of(li) for li in changes.select("ul.affected-changes li")] == [
        "Database: Major Outage → Partial Outage"
    ]


def test_the_component_changes_have_no_bullets_and_a_panel_of_their_own() -> None:
    css = (STATIC_DIR / "style.css").read_text("utf-8")
    assert ".affected-changes { list-style: none;" in css
    assert re.search(r"\.changes \{[^}]*background: var\(--panel\)", css)
    assert ".update-body ul { list-style: disc; }" in css
