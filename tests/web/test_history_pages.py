"""`/history` by month and `/incidents/<id>` with its whole timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.database import Database
from tests.app_client import Client
from tests.web.factories import NOW, Said, add_incident
from tests.web.pages import fetch, one, text_of

OCTOBER = datetime(2026, 10, 14, 8, 0, tzinfo=UTC)


async def test_history_shows_the_current_month_by_default(client: Client, db: Database) -> None:
    await add_incident(db, "Now", status="resolved", started_at=NOW - timedelta(hours=2))
    await add_incident(db, "Last month", status="resolved", started_at=OCTOBER)
    soup = await fetch(client, "/history")
    assert text_of(one(soup, "h1")) == "Incident history November 2026"
    assert [text_of(a) for a in soup.select("article h3 a")] == ["Now"]


async def test_months_are_paged_with_previous_and_next_links(client: Client, db: Database) -> None:
    await add_incident(db, "Last month", status="resolved", started_at=OCTOBER)
    await add_incident(db, "Long ago", status="resolved", started_at=OCTOBER - timedelta(days=90))
    soup = await fetch(client, "/history?month=2026-10")
    assert [text_of(a) for a in soup.select("article h3 a")] == ["Last month"]
    assert one(soup, "h2").get_text(strip=True) == "Wed 14 Oct 2026"
    pager = soup.select("nav.pager")[0]
    assert one(pager, "a[rel=prev]")["href"] == "/history?month=2026-09"
    assert one(pager, "a[rel=next]")["href"] == "/history?month=2026-11"


async def test_the_current_month_has_no_next_link(client: Client) -> None:
    soup = await fetch(client, "/history?month=2026-11")
    assert soup.select("a[rel=next]") == []
    assert "No incidents or maintenance in November 2026." in text_of(one(soup, "main"))


async def test_history_begins_at_the_first_incident(client: Client, db: Database) -> None:
    await add_incident(db, "First ever", status="resolved", started_at=OCTOBER)
    soup = await fetch(client, "/history?month=2026-10")
    assert soup.select("a[rel=prev]") == []
    assert soup.select("a[rel=next]") != []
    assert (await fetch(client, "/history")).select("a[rel=prev]") != []


async def test_a_month_that_is_not_a_month_is_a_404(client: Client) -> None:
    # "٢٠٢٦-١٠": 2026-10 in Arabic-Indic digits, which int() reads; one month, one address.
    for month in ("2026-13", "26-11", "1999-12", "2028-01", "november", "٢٠٢٦-١٠"):
        await fetch(client, f"/history?month={month}", status=404)


async def test_months_are_cut_in_the_site_time_zone(client: Client, db: Database) -> None:
    # 23:30 UTC on 31 October is already 1 November in Berlin.
    await add_incident(
        db, "Night", status="resolved", started_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    )
    soup = await fetch(client, "/history?month=2026-11")
    assert [text_of(a) for a in soup.select("article h3 a")] == ["Night"]


async def test_an_incident_page_shows_every_update_newest_first(
    client: Client, db: Database
) -> None:
    updates = [
        Said("resolved", "Fixed.", NOW - timedelta(minutes=5)),
        Said(
            "identified",
            "Found the *cause*.",
            NOW - timedelta(minutes=20),
            affected=[
                {
                    "code": "api",
                    "name": "API",
                    "old_status": "major_outage",
                    "new_status": "degraded_performance",
                }
            ],
        ),
        Said("investigating", "Looking.", NOW - timedelta(minutes=40)),
    ]
    incident_id = await add_incident(
        db, "API down", status="resolved", updates=updates, components={"api": "major_outage"}
    )
    soup = await fetch(client, f"/incidents/{incident_id}")
    assert text_of(one(soup, "h1")) == "API down"
    entries = soup.select("ol.timeline > li")
    assert [text_of(e.h3) for e in entries] == ["Resolved", "Identified", "Investigating"]
    assert one(entries[1], ".update-body em").string == "cause"
    assert "API: Major Outage → Degraded Performance" in text_of(entries[1])


async def test_update_times_are_given_in_the_site_zone_and_in_utc(
    client: Client, db: Database
) -> None:
    incident_id = await add_incident(db, "Blip", updates=[Said("investigating", "x", NOW)])
    entry = one(await fetch(client, f"/incidents/{incident_id}"), "ol.timeline > li")
    assert "26 Nov 2026, 11:15 CET (26 Nov 2026, 10:15 UTC)" in text_of(entry)
    assert one(entry, "time")["datetime"] == "2026-11-26T10:15:00Z"


async def test_a_published_post_mortem_is_shown(client: Client, db: Database) -> None:
    incident_id = await add_incident(
        db,
        "Outage",
        status="postmortem",
        postmortem_body="## What happened\n\nA **bad** deploy.",
        postmortem_published_at=NOW,
    )
    section = one(await fetch(client, f"/incidents/{incident_id}"), "section.postmortem")
    assert one(section, "strong").string == "bad"


async def test_an_unpublished_post_mortem_stays_hidden(client: Client, db: Database) -> None:
    incident_id = await add_incident(db, "Outage", postmortem_body="Draft notes")
    soup = await fetch(client, f"/incidents/{incident_id}")
    assert soup.select("section.postmortem") == []


async def test_drafts_deleted_and_unknown_incidents_are_404(client: Client, db: Database) -> None:
    draft = await add_incident(db, "Draft", draft=True)
    deleted = await add_incident(db, "Gone", deleted_at=NOW)
    for incident_id in (draft, deleted, 999_999):
        await fetch(client, f"/incidents/{incident_id}", status=404)
    await fetch(client, "/incidents/not-a-number", status=404)


async def test_drafts_never_appear_in_lists(client: Client, db: Database) -> None:
    await add_incident(db, "Secret draft", draft=True, components={"api": "major_outage"})
    for path in ("/", "/history", "/components/api"):
        assert "Secret draft" not in await (await client.get(path)).text()
