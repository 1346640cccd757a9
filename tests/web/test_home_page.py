"""`/` through the real app: structure, statuses, bars, figures, incidents."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

from pytest_aiohttp import AiohttpClient

from statuspage import keys
from storage.database import Database
from storage.status import record_status_change
from tests.app_client import Client, app_client
from tests.web.factories import (
    NOW,
    SITE,
    Bucket,
    Said,
    add_day,
    add_hour,
    add_incident,
    add_result,
    days_back,
    prepare_database,
    settings_for,
)
from tests.web.pages import attr, fetch, level_of, one, text_of


async def test_the_page_has_landmarks_a_skip_link_and_one_h1(client: Client) -> None:
    soup = await fetch(client, "/")
    for landmark in ("header", "main", "footer", "nav"):
        assert soup.find(landmark) is not None, landmark
    assert len(soup.find_all("h1")) == 1
    skip = one(soup, "a.skip-link")
    assert skip["href"] == "#main"
    assert soup.find(id="main") is not None


async def test_headings_never_skip_a_level(client: Client, db: Database) -> None:
    await add_incident(db, "Slow API", components={"api": "degraded_performance"})
    soup = await fetch(client, "/")
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


async def test_components_sit_in_their_groups_which_fold_without_script(client: Client) -> None:
    soup = await fetch(client, "/")
    group = one(soup, "details#group-platform")
    assert group.has_attr("open")
    assert text_of(one(group, "summary h3 .group-title")) == "Platform"
    assert text_of(one(group, "summary h3 .status")) == "No Data Yet"
    assert [c.name for c in one(group, "summary").find_all(recursive=False)] == ["h3"]
    names = [text_of(h) for h in group.select(".component-name")]
    assert names == ["API", "Database"]


async def test_a_component_without_data_says_so_in_words(client: Client) -> None:
    soup = await fetch(client, "/")
    status = one(soup, "#component-database .status")
    assert text_of(status) == "No Data Yet"


async def test_a_manual_component_is_operational_until_an_operator_says_otherwise(
    client: Client,
) -> None:
    soup = await fetch(client, "/")
    assert text_of(one(soup, "#component-notifications .component-head .status")) == "Operational"
    # The probed components have not reported: only the manual one counts.
    assert one(soup, "h1").get_text(strip=True) == "All Systems Operational"


async def test_statuses_read_as_words_next_to_an_icon(client: Client, db: Database) -> None:
    await record_status_change(db, "api", "partial_outage", at=NOW, source="probe")
    await record_status_change(db, "database", "operational", at=NOW, source="probe")
    soup = await fetch(client, "/")
    status = one(soup, "#component-api .component-head .status")
    assert text_of(status) == "Partial Outage"
    assert status.find("svg", attrs={"aria-hidden": "true"}) is not None
    assert text_of(one(soup, "h1")) == "Minor Service Outage"


async def test_each_day_of_a_bar_links_to_that_day_on_the_components_calendar(
    client: Client, db: Database
) -> None:
    await add_day(db, "api", NOW.date(), Bucket(up=998, down=2))
    soup = await fetch(client, "/")
    for component in ("api", "database"):
        days = soup.select(f"#component-{component} .days a")
        assert len(days) == 90
        assert text_of(days[-1]) == "26"  # the link's name: the day of the month
        assert attr(days[0], "href") == f"/components/{component}#n0829"  # no data: n
    # The anchor's first letter is the day's level: 99.80 % is fair.
    assert attr(soup.select("#component-api .days a")[-1], "href") == "/components/api#f1126"
    calendar = await fetch(client, "/components/api")
    assert "availability 99.80 %" in text_of(one(calendar, "td#f1126"))


async def test_the_front_page_has_no_latency_table_dependencies_or_last_check_by_default(
    client: Client, db: Database
) -> None:
    await add_hour(db, "api", NOW, Bucket(up=10, latencies_ms=[80.0] * 10))
    await add_result(db, "api", NOW - timedelta(seconds=30), dependencies={"stripe": "down"})
    soup = await fetch(client, "/")
    assert soup.select("table") == []
    assert soup.select(".dependency, .last-checked, .latency-line, .window") == []


async def test_a_manual_component_says_who_sets_it(client: Client) -> None:
    soup = await fetch(client, "/")
    component = one(soup, "#component-notifications")
    assert "Set by the operators" in text_of(component)


async def test_one_uptime_figure_is_shown_over_the_bars_90_days(
    client: Client, db: Database
) -> None:
    for day in days_back(40):
        await add_day(db, "api", day, Bucket(up=1000))
    await add_day(db, "api", days_back(10)[0], Bucket(down=10), region="eu")
    row = one(await fetch(client, "/"), "#component-api")
    assert text_of(one(row, ".uptime")) == "99.97 % uptime"  # 40000 of 40010, rounded down


async def test_the_component_page_shows_availability_over_24_hours_30_and_90_days(
    client: Client, db: Database
) -> None:
    for day in days_back(40):
        await add_day(db, "api", day, Bucket(up=1000))
    await add_day(db, "api", days_back(10)[0], Bucket(down=10), region="eu")
    await add_hour(db, "api", NOW, Bucket(up=100))
    page = await fetch(client, "/components/api")
    windows = [text_of(w) for w in page.select("#component-api .window")]
    assert windows[0] == "24 hours 100.00 % available 100.00 % within SLA"
    assert windows[1].startswith("30 days 99.96 % available")  # 30000 of 30010, rounded down
    assert windows[2].startswith("90 days 99.97 % available")


async def test_latency_is_judged_against_the_sla_and_the_default_objectives(
    client: Client, db: Database
) -> None:
    await add_hour(db, "api", NOW, Bucket(up=100, latencies_ms=[150.0] * 90 + [1500.0] * 10))
    table = one(await fetch(client, "/components/api"), "#component-api table.performance")
    assert [text_of(th) for th in table.select("thead th")][-1] == "Objective"
    rows = {text_of(r.th): text_of(r) for r in table.select("tbody tr")}
    assert rows["p50 (median)"].endswith("Within none")  # SLA 200 ms; no p50 objective
    assert rows["p95"].endswith("Over Missed (< 1 s)")
    assert rows["p99"].endswith("Over Met (< 2 s)")


async def test_dependencies_from_the_latest_health_check_are_listed(
    client: Client, db: Database
) -> None:
    deps = {"database": "connected", "stripe": "down", "llm": "operational", "email": "odd"}
    await add_result(db, "api", NOW - timedelta(seconds=30), dependencies=deps)
    soup = await fetch(client, "/components/api")
    items = soup.select("#component-api .dependency")
    assert [text_of(i) for i in items] == [
        "database: connected",
        "stripe: down",
        "llm: operational",
        "email: odd",
    ]
    assert [i["class"][1] for i in items] == [
        "dependency-ok",
        "dependency-down",
        "dependency-ok",
        "dependency-unknown",
    ]


async def test_target_urls_stay_private_unless_shown_on_purpose(client: Client) -> None:
    html = await (await client.get("/")).text()
    assert "127.0.0.1:9" not in html
    assert "secret" not in html


async def test_active_incidents_come_first_with_their_latest_update(
    client: Client, db: Database
) -> None:
    updates = [
        Said("identified", "Cause **found**.", NOW - timedelta(minutes=5)),
        Said("investigating", "Looking.", NOW - timedelta(minutes=30)),
    ]
    incident_id = await add_incident(
        db, "Slow API", impact="major", components={"api": "partial_outage"}, updates=updates
    )
    soup = await fetch(client, "/")
    section = one(soup, "main section.incidents.active")
    assert section.find_previous_sibling("section", class_="components") is None
    link = one(section, "h3 a")
    assert (text_of(link), link["href"]) == ("Slow API", f"/incidents/{incident_id}")
    assert one(section, ".update-body strong").string == "found"
    assert "Looking." not in text_of(section)
    assert text_of(one(soup, "h1")) == "Partial System Outage"


async def test_maintenance_in_progress_and_upcoming_are_listed_apart(
    client: Client, db: Database
) -> None:
    for name, status in (("Disk swap", "scheduled"), ("Upgrade", "in_progress")):
        await add_incident(
            db,
            name,
            kind="maintenance",
            status=status,
            impact="maintenance",
            scheduled_for=NOW + timedelta(days=1),
            scheduled_until=NOW + timedelta(days=2),
        )
    soup = await fetch(client, "/")
    assert "Upgrade" in text_of(one(soup, "section.incidents.maintenance"))
    assert "Disk swap" in text_of(one(soup, "section.incidents.upcoming"))
    assert text_of(one(soup, "h1")) == "Service Under Maintenance"


async def test_the_page_explains_its_figures_and_its_time_zone(client: Client) -> None:
    about = text_of(one(await fetch(client, "/"), "section#about"))
    for words in (
        "Availability",
        "SLA compliance",
        "p95",
        "at least 99.9 %",
        "below 95 %",
        "Europe/Berlin",
        "p95 < 1 s",
        "p99 < 2 s",
        "average < 500 ms",
    ):
        assert words in about, words


async def test_branding_comes_from_the_configuration(client: Client) -> None:
    soup = await fetch(client, "/")
    assert one(soup, "a.brand").get_text(strip=True) == "Acme Status"
    assert soup.find("a", href="https://www.acme.test") is not None
    assert "support@acme.test" in text_of(one(soup, "footer"))
    assert soup.find("link", href=lambda h: h and h.startswith("/static/theme.css?v="))


async def test_a_manual_components_bar_comes_from_its_status_history(
    client: Client, db: Database
) -> None:
    await record_status_change(
        db, "notifications", "major_outage", at=NOW - timedelta(hours=1), source="manual"
    )
    days = (await fetch(client, "/")).select("#component-notifications .days a")
    assert len(days) == 90
    assert level_of(days[-1]) == "b"
    assert level_of(days[0]) == "n"
    calendar = await fetch(client, "/components/notifications")
    assert "uptime 0.00 % (from reported status)" in text_of(one(calendar, "#b1126"))


async def test_a_probed_component_without_figures_says_no_data_yet_beside_its_bar(
    client: Client,
) -> None:
    row = one(await fetch(client, "/"), "#component-api")
    assert text_of(one(row, ".uptime")) == "No data yet"
    assert {level_of(a) for a in row.select(".days a")} == {"n"}


async def test_a_site_may_show_one_latency_line_per_component_on_the_front_page(
    aiohttp_client: AiohttpClient, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, site=SITE + "front_page_latency = true\n")
    await prepare_database(settings.database_url)
    client = await app_client(aiohttp_client, settings, lambda: NOW)
    db = client.app[keys.DATABASE]
    await add_hour(db, "api", NOW, Bucket(up=100, latencies_ms=[150.0] * 90 + [900.0] * 10))
    soup = await fetch(client, "/")
    assert text_of(one(soup, "#component-api .latency-line")) == (
        "Latency, last 24 hours: p95 900 ms, over its SLA of 200 ms."
    )
    assert soup.select("table") == []  # still no latency table
