"""A component whose results stopped arriving reads "No Recent Data" on the front page,
its own page and its badge, never its last status; a person's status still shows."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from storage.freshness import Staleness, record_staleness
from storage.status import record_status_change
from tests.app_client import Client
from tests.web.factories import NOW
from tests.web.pages import fetch, one, text_of


async def went_quiet(db: Database, component_id: str) -> None:
    await record_status_change(db, component_id, "major_outage", at=NOW, source="probe")
    await record_staleness(db, {component_id: Staleness(NOW, NOW - timedelta(minutes=5))}, now=NOW)


async def test_the_front_page_says_no_recent_data_instead_of_the_last_status(
    client: Client, db: Database
) -> None:
    await went_quiet(db, "api")
    soup = await fetch(client, "/")
    assert text_of(one(soup, "#component-api .component-head .status")) == "No Recent Data"


async def test_the_component_page_says_no_recent_data(client: Client, db: Database) -> None:
    await went_quiet(db, "api")
    soup = await fetch(client, "/components/api")
    assert text_of(one(soup, ".component-title .status")) == "No Recent Data"


async def test_the_status_badge_says_no_recent_data(client: Client, db: Database) -> None:
    await went_quiet(db, "api")
    response = await client.get("/components/api/badge.svg")
    assert "no recent data" in await response.text()


async def test_results_arriving_again_bring_the_status_back(client: Client, db: Database) -> None:
    await went_quiet(db, "api")
    later = NOW + timedelta(seconds=1)
    await record_staleness(db, {"api": Staleness(None, later)}, now=later)
    soup = await fetch(client, "/")
    assert text_of(one(soup, "#component-api .component-head .status")) == "Major Outage"


async def test_an_operators_status_is_shown_over_silence(client: Client, db: Database) -> None:
    await went_quiet(db, "api")
    await record_status_change(
        db, "api", "under_maintenance", at=NOW + timedelta(seconds=1), source="manual"
    )
    soup = await fetch(client, "/")
    assert text_of(one(soup, "#component-api .component-head .status")) == "Under Maintenance"


async def all_operational_but_api_silent(db: Database) -> None:
    for component_id in ("api", "database"):
        await record_status_change(db, component_id, "operational", at=NOW, source="probe")
    await record_staleness(db, {"api": Staleness(NOW, NOW - timedelta(minutes=5))}, now=NOW)


async def test_the_banner_never_says_all_is_well_while_a_component_is_silent(
    client: Client, db: Database
) -> None:
    await all_operational_but_api_silent(db)
    soup = await fetch(client, "/")
    headline = text_of(one(soup, "#banner-text"))
    assert headline == "Partially Degraded Service; no recent data from 1 component"
    assert "banner-minor" in (one(soup, "section.banner").get("class") or [])
    # ... in the API's very words, so the page and its JSON never disagree.
    status = await (await client.get("/api/v2/status.json")).json()
    assert status["status"]["description"] == headline


async def test_a_group_with_a_silent_member_is_not_operational(
    client: Client, db: Database
) -> None:
    await all_operational_but_api_silent(db)
    soup = await fetch(client, "/")
    assert text_of(one(soup, "#component-api .component-head .status")) == "No Recent Data"
    group = next(g for g in soup.select("details.group, .group") if "Platform" in text_of(g))
    assert text_of(one(group, "summary h3 .status")) == "Degraded Performance"


async def test_a_silent_component_last_seen_in_an_outage_keeps_the_outage_in_the_banner(
    client: Client, db: Database
) -> None:
    await record_status_change(db, "database", "operational", at=NOW, source="probe")
    await went_quiet(db, "api")  # last recorded: major outage
    headline = text_of(one(await fetch(client, "/"), "#banner-text"))
    assert headline == "Partial System Outage; no recent data from 1 component"
