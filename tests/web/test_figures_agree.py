"""Every figure on a page agrees with the others: right after start-up, for a
component set by operators, and in the request phases of a component page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from probes.model import Phases
from statuspage.config import load_settings
from statuspage.demo_history import demo_config_text
from storage.database import Database
from storage.status import record_status_change
from storage.tables.monitoring import Component
from tests.app_client import Client
from tests.web.factories import NOW, Bucket, add_day, add_hour, add_result
from tests.web.pages import attr, fetch, level_of, one, text_of


async def freshly_started(db: Database) -> None:
    """The probes have answered and the status is set; the first roll-up has not run."""
    await add_result(db, "api", NOW - timedelta(seconds=20))
    await record_status_change(
        db, "api", "operational", at=NOW - timedelta(seconds=5), source="probe"
    )


async def test_right_after_start_up_the_front_page_says_measuring_not_no_data(
    client: Client, db: Database
) -> None:
    await freshly_started(db)
    row = one(await fetch(client, "/"), "#component-api")
    assert text_of(one(row, ".component-head .status")) == "Operational"
    assert text_of(one(row, ".uptime")) == "measuring uptime"
    assert "no data" not in text_of(row).lower()


async def test_right_after_start_up_the_component_summary_says_measuring_not_no_data(
    client: Client, db: Database
) -> None:
    await freshly_started(db)
    card = one(await fetch(client, "/components/api"), "#component-api")
    assert text_of(one(card, ".last-checked")).endswith(": up.")
    windows = [text_of(w) for w in card.select(".window")]
    assert windows == ["24 hours Measuring…", "30 days Measuring…", "90 days Measuring…"]
    text = text_of(card)
    assert "No data" not in text
    assert "No successful probe" not in text
    assert "Measuring: the first latency figures appear within a minute" in text


async def test_right_after_start_up_today_on_the_bar_is_measuring(
    client: Client, db: Database
) -> None:
    await freshly_started(db)
    today = (await fetch(client, "/components/api")).select("#component-api svg.day-bar rect")[-1]
    assert attr(today, "aria-label") == (
        "Thu 26 Nov 2026: measuring, the first figures appear within a minute; no incidents"
    )


async def test_right_after_start_up_the_component_page_says_measuring(
    client: Client, db: Database
) -> None:
    await freshly_started(db)
    soup = await fetch(client, "/components/api")
    rows = [text_of(r) for r in soup.select("table.windows-table tbody tr")]
    assert rows[0] == "24 hours measuring measuring measuring"
    assert all("no data" not in row for row in rows)


async def test_a_success_newer_than_a_day_of_failures_makes_latency_measuring(
    client: Client, db: Database
) -> None:
    await add_hour(db, "api", NOW - timedelta(hours=2), Bucket(down=60))
    await add_result(db, "api", NOW - timedelta(seconds=20), status="up")
    card = one(await fetch(client, "/components/api"), "#component-api")
    assert text_of(card.select(".window")[0]).startswith("24 hours 0.00 % available")
    assert "Measuring: the first latency figures" in text_of(card)


async def test_once_rolled_up_the_figures_show_and_measuring_is_gone(
    client: Client, db: Database
) -> None:
    await freshly_started(db)
    await add_hour(db, "api", NOW, Bucket(up=2))
    await add_day(db, "api", NOW.date(), Bucket(up=2))
    card = one(await fetch(client, "/components/api"), "#component-api")
    assert "Measuring" not in text_of(card)
    assert text_of(card.select(".window")[0]) == "24 hours 100.00 % available 100.00 % within SLA"


async def test_without_any_recent_result_no_data_is_still_the_truth(client: Client) -> None:
    card = one(await fetch(client, "/components/api"), "#component-api")
    assert text_of(card.select(".window")[0]) == "24 hours No data"
    assert card.select(".last-checked") == []


async def added_at(db: Database, at: datetime) -> None:
    """Back-date when the manual component was added (start-up adds it at wall-clock time)."""
    async with db.write() as session:
        row = await session.get(Component, "notifications")
        assert row is not None
        row.created_at = at


async def test_a_manual_component_is_operational_on_its_bar_from_when_it_was_added(
    client: Client, db: Database
) -> None:
    await added_at(db, NOW - timedelta(days=2, hours=12))  # 23:15 in Berlin, three days back
    days = (await fetch(client, "/")).select("#component-notifications .days a")
    assert [level_of(d) for d in days[-4:]] == ["g"] * 4
    assert {level_of(d) for d in days[:-4]} == {"n"}  # before it was added
    cell = one(await fetch(client, "/components/notifications"), "#g1126")
    assert text_of(cell.select_one(".day-label")) == (
        "Thu 26 Nov 2026: uptime 100.00 % (from reported status); no incidents"
    )


async def test_an_operators_status_follows_the_operational_start(
    client: Client, db: Database
) -> None:
    await added_at(db, NOW - timedelta(days=3))
    await record_status_change(
        db, "notifications", "major_outage", at=NOW - timedelta(hours=2), source="manual"
    )
    days = (await fetch(client, "/")).select("#component-notifications .days a")
    assert [level_of(d) for d in days[-3:]] == ["g", "g", "b"]


async def test_a_manual_components_page_shows_the_windows_of_its_uptime_json(
    client: Client, db: Database
) -> None:
    await added_at(db, NOW - timedelta(days=3))
    for status, hours_ago in (("major_outage", 10), ("operational", 4)):
        at = NOW - timedelta(hours=hours_ago)
        await record_status_change(db, "notifications", status, at=at, source="manual")
    card = one(await fetch(client, "/components/notifications"), "#component-notifications")
    # Six hours lost of the 24 hours, and of the 3 days since it was added.
    assert [text_of(w) for w in card.select(".window")] == [
        "24 hours 75.00 % uptime from reported status",
        "30 days 91.66 % uptime from reported status",
        "90 days 91.66 % uptime from reported status",
    ]
    body = await (await client.get("/api/v2/components/notifications/uptime.json")).json()
    windows = body["windows"]
    assert [windows[w]["availability_percent"] for w in ("24h", "30d", "90d")] == [
        "75.00",
        "91.66",
        "91.66",
    ]


async def test_a_manual_component_without_a_known_status_shows_no_data_windows(
    client: Client,
) -> None:
    card = one(await fetch(client, "/components/notifications"), "#component-notifications")
    assert [text_of(w) for w in card.select(".window")] == [
        "24 hours No data",
        "30 days No data",
        "90 days No data",
    ]


def test_the_examples_describe_their_manual_component_without_repeating_the_page(
    tmp_path: Path,
) -> None:
    demo = tmp_path / "demo.toml"
    demo.write_text(demo_config_text(port=8080, target_port=8081, db_name="d.db"))
    for path in (Path("examples/production.toml"), demo):
        for component in load_settings(path, {}).components:
            if not component.probed:
                # The page already says who sets it and that it is not checked.
                words = (component.description or "").lower()
                assert not re.search(r"operator|probed|not checked|set by", words), path


def ms(text: str) -> float:
    value, unit = text.split()
    return float(value) * (1000 if unit == "s" else 1)


async def test_the_phases_add_up_to_the_whole_request_over_one_set_of_probes(
    client: Client, db: Database
) -> None:
    timed = Phases(dns_ms=2.0, connect_ms=3.0, ttfb_ms=60.0, total_ms=80.0)
    reused = Phases(ttfb_ms=30.0, total_ms=40.0)  # a kept-alive connection: no DNS, no connect
    untimed = Phases(total_ms=10.0)  # written without phase timings
    for minute, phases in enumerate([timed, timed, reused, reused, untimed, untimed, untimed]):
        at = NOW - timedelta(minutes=minute + 1)
        await add_result(db, "api", at, latency_ms=phases.total_ms or 0, phases=phases)
    soup = await fetch(client, "/components/api")
    rows = {text_of(r.th): text_of(r.td) for r in soup.select("table.phases tbody tr")}
    assert rows == {
        "DNS lookup": "1.0 ms", "TCP connect": "1.5 ms", "Server": "42 ms",
        "Download": "15 ms", "Whole request": "60 ms",
    }  # fmt: skip
    parts = sum(ms(v) for k, v in rows.items() if k != "Whole request")
    assert abs(parts - ms(rows["Whole request"])) <= 0.5  # only display rounding
    note = text_of(one(soup, "section[aria-labelledby=phases-title] p.muted"))
    assert note.startswith("Average of the newest 4 successful probes (at most 200, from the last")
