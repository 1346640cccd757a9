"""`/components/<id>`: windows, charts, phases, calendar, incidents; 404 for unknown ids."""

from __future__ import annotations

from datetime import timedelta

from probes.model import Phases
from storage.database import Database
from tests.app_client import Client
from tests.web.factories import NOW, Bucket, add_day, add_hour, add_incident, add_result, days_back
from tests.web.pages import fetch, one, text_of


async def test_it_heads_with_the_name_and_status(client: Client) -> None:
    soup = await fetch(client, "/components/api")
    assert text_of(one(soup, "h1")) == "API"
    assert text_of(one(soup, ".component-title .status")) == "No Data Yet"
    assert soup.title is not None
    assert soup.title.string == "API · Acme Status"


async def test_it_draws_three_latency_charts_with_the_sla(client: Client, db: Database) -> None:
    for hours in range(30):
        await add_hour(db, "api", NOW - timedelta(hours=hours), Bucket(up=10))
    soup = await fetch(client, "/components/api")
    charts = soup.select("figure.chart svg.latency-chart")
    assert len(charts) == 3
    assert [text_of(c.find("h3")) for c in soup.select("figure.chart")] == [
        "Last 24 hours, hourly",
        "Last 7 days, hourly",
        "Last 30 days, daily",
    ]
    assert all(c["role"] == "img" and c.find("line", class_="sla-line") for c in charts)
    first_table = soup.select("figure.chart table")[0]
    assert len(first_table.select("tbody tr")) == 24


async def test_windows_list_availability_sla_and_percentiles(client: Client, db: Database) -> None:
    await add_day(db, "api", NOW.date(), Bucket(up=90, down=10, within_sla=45))
    rows = one(await fetch(client, "/components/api"), "table.windows-table").select("tbody tr")
    assert [text_of(r.th) for r in rows] == ["24 hours", "7 days", "30 days", "90 days", "365 days"]
    assert text_of(rows[1]).startswith("7 days 90.00 % 50.00 % 50 ms")


async def test_phases_are_averaged_over_the_latest_results(client: Client, db: Database) -> None:
    phases = Phases(dns_ms=4.0, connect_ms=6.0, tls_ms=10.0, ttfb_ms=50.0, total_ms=70.0)
    for seconds in (30, 60):
        await add_result(
            db, "api", NOW - timedelta(seconds=seconds), latency_ms=70.0, phases=phases
        )
    section = one(await fetch(client, "/components/api"), "section[aria-labelledby=phases-title]")
    rows = {text_of(r.th): text_of(r.select("td")[0]) for r in section.select("tbody tr")}
    assert rows == {
        "DNS lookup": "4.0 ms",
        "TCP connect": "6.0 ms",
        "TLS handshake": "10 ms",
        "Server": "30 ms",
        "Download": "20 ms",
        "Whole request": "70 ms",
    }
    assert "newest 2 successful probes" in text_of(section)


async def test_the_calendar_shows_90_labelled_days_in_month_grids(
    client: Client, db: Database
) -> None:
    await add_day(db, "api", days_back(1)[0], Bucket(up=10))
    soup = await fetch(client, "/components/api")
    days = soup.select("table.month td.day:not(.outside)")
    assert len(days) == 90
    assert all(d.select_one(".day-label") for d in days)
    assert days[-1]["id"] == "g1126"  # the front page's bar links each day here
    assert one(days[-1], "a")["href"] == "#g1126"  # a tap selects it, which shows its label
    assert [text_of(c) for c in soup.select("table.month caption")] == [
        "August 2026",
        "September 2026",
        "October 2026",
        "November 2026",
    ]


async def test_it_lists_the_incidents_that_touched_the_component(
    client: Client, db: Database
) -> None:
    await add_incident(db, "API errors", components={"api": "major_outage"})
    await add_incident(db, "Database slow", components={"database": "degraded_performance"})
    section = one(await fetch(client, "/components/api"), "section.incidents")
    assert [text_of(a) for a in section.select("h3 a")] == ["API errors"]


async def test_a_manual_component_page_has_no_charts(client: Client) -> None:
    soup = await fetch(client, "/components/notifications")
    assert soup.select("svg.latency-chart") == []
    # Its calendar comes from its status history, like its bar on the front page.
    assert len(soup.select("table.month td.day:not(.outside)")) == 90


async def test_an_unknown_component_is_a_404_page(client: Client) -> None:
    soup = await fetch(client, "/components/nope", status=404)
    assert text_of(one(soup, "h1")) == "Page not found"
    assert "no component" in text_of(one(soup, "main"))
