"""`/api/v2/components/{id}/uptime.json`: the measured figures the component page shows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from statuspage.presentation.days import day_anchor
from storage.database import Database
from storage.figures.timebuckets import HOUR
from storage.manual_status import set_component_status
from storage.tables.monitoring import Component
from tests.api.factories import NOW, measure
from tests.api.helpers import get_json
from tests.api.schemas import assert_valid
from tests.app_client import Client

WINDOWS = ("24h", "7d", "30d", "90d")


async def test_an_unmeasured_component_has_null_figures_never_zero(client: Client) -> None:
    body = await get_json(client, "/api/v2/components/api/uptime.json")
    assert_valid(body, "uptime.json")
    day = body["windows"]["24h"]
    assert (day["availability"], day["availability_percent"], day["latency_ms"]) == (
        None,
        None,
        None,
    )
    assert {d["level"] for d in body["days"]} == {"none"}


async def test_windows_hold_availability_sla_and_latency(client: Client, db: Database) -> None:
    await measure(db, "api", ["up"] * 9 + ["down"], latency_ms=120.0)
    body = await get_json(client, "/api/v2/components/api/uptime.json")
    assert_valid(body, "uptime.json")
    window = body["windows"]["24h"]
    assert (window["availability"], window["availability_percent"]) == (0.9, "90.00")
    assert window["probes"] == {
        "up": 9,
        "degraded": 0,
        "down": 1,
        "maintenance": 0,
        "within_sla": 9,
    }
    assert window["sla_compliance_percent"] == "100.00"
    assert window["latency_ms"]["count"] == 9
    assert abs(window["latency_ms"]["p95"] - 120.0) <= 12.0  # within one histogram bucket


async def test_there_are_ninety_days_ending_today(client: Client, db: Database) -> None:
    await measure(db, "api", ["up"] * 3)
    days = (await get_json(client, "/api/v2/components/api/uptime.json"))["days"]
    assert len(days) == 90
    assert days[-1]["date"] == "2026-11-26"
    assert (days[-1]["level"], days[-2]["level"]) == ("good", "none")


async def test_the_component_row_and_sla_are_included(client: Client) -> None:
    body = await get_json(client, "/api/v2/components/database/uptime.json")
    assert (body["component"]["id"], body["sla_ms"]) == ("database", 100.0)


async def test_a_manual_component_has_no_sla(client: Client) -> None:
    body = await get_json(client, "/api/v2/components/notifications/uptime.json")
    assert body["sla_ms"] is None
    assert_valid(body, "uptime.json")


async def test_an_unknown_component_is_a_json_404(client: Client) -> None:
    body = await get_json(client, "/api/v2/components/missing/uptime.json", status=404)
    assert body["error"]["status"] == 404


async def test_a_manual_components_days_are_the_levels_its_bar_shows(
    client: Client, db: Database
) -> None:
    # Degraded (no loss) from Berlin's midnight, then partial outage (30 % lost) for the
    # last 2 of today's 11.25 hours: 94.66 % by the Statuspage rule.
    midnight = datetime(2026, 11, 25, 23, tzinfo=UTC)
    for status, at in (("degraded_performance", midnight), ("partial_outage", NOW - 2 * HOUR)):
        await set_component_status(db, "notifications", status, now=at, actor="alice")
    body = await get_json(client, "/api/v2/components/notifications/uptime.json")
    assert_valid(body, "uptime.json")
    front_page = await (await client.get("/")).text()
    bar = re.findall(r"/components/notifications#([a-z]\d{4})", front_page)
    days = body["days"]
    assert [day_anchor(date.fromisoformat(d["date"]), d["level"]) for d in days] == bar
    today = days[-1]
    assert (today["level"], today["availability_percent"]) == ("bad", "94.66")
    assert (today["source"], today["probes"]["up"], today["latency_ms"]) == (
        "reported_status",
        0,
        None,
    )


async def test_a_probed_components_days_and_windows_come_from_its_probes(
    client: Client, db: Database
) -> None:
    await measure(db, "api", ["up"] * 9 + ["down"])
    body = await get_json(client, "/api/v2/components/api/uptime.json")
    assert {d["source"] for d in body["days"]} == {"probes"}
    windows = body["windows"]
    assert {w["source"] for w in windows.values()} == {"probes"}
    assert [windows[w]["availability_percent"] for w in WINDOWS] == ["90.00"] * 4
    assert windows["24h"]["probes"]["down"] == 1


async def six_hours_of_major_outage(db: Database) -> None:
    """Operational, major outage from 00:15 to 06:15 in Berlin today, operational."""
    for status, at in (("major_outage", NOW - 10 * HOUR), ("operational", NOW - 4 * HOUR)):
        await set_component_status(db, "notifications", status, now=at, actor="alice")


async def test_a_manual_components_windows_are_the_uptime_of_its_reported_status(
    client: Client, db: Database
) -> None:
    await set_component_status(
        db, "notifications", "operational", now=NOW - timedelta(days=20), actor="alice"
    )
    await six_hours_of_major_outage(db)
    body = await get_json(client, "/api/v2/components/notifications/uptime.json")
    assert_valid(body, "uptime.json")
    windows = body["windows"]
    # 24h: the 24 hours up to now, not today or whole hours: 6 of 24 hours lost.
    # 7d: from Berlin's midnight six days back (23:00 UTC on 19 Nov) to now,
    # 558,902.113 s, 21,600 of them lost. 30d and 90d: the 20 days a status was known.
    assert [(windows[w]["availability"], windows[w]["availability_percent"]) for w in WINDOWS] == [
        (0.75, "75.00"),
        (0.961352, "96.13"),
        (0.9875, "98.75"),
        (0.9875, "98.75"),
    ]
    for window in windows.values():
        assert window["source"] == "reported_status"
        assert (window["sla_compliance"], window["sla_compliance_percent"]) == (None, None)
        assert (window["latency_ms"], window["probes"]["up"], window["probes"]["down"]) == (
            None,
            0,
            0,
        )


async def test_a_manual_component_has_no_data_before_it_was_added(
    client: Client, db: Database
) -> None:
    async with db.write() as session:  # start-up adds it at wall-clock time
        row = await session.get(Component, "notifications")
        assert row is not None
        row.created_at = NOW - timedelta(days=3)
    await six_hours_of_major_outage(db)
    body = await get_json(client, "/api/v2/components/notifications/uptime.json")
    assert_valid(body, "uptime.json")
    # Operational from when it was added, as on its bar; the 4 days before are no data.
    percents = [body["windows"][w]["availability_percent"] for w in WINDOWS]
    assert percents == ["75.00", "91.66", "91.66", "91.66"]


async def test_a_manual_component_without_a_known_status_has_null_windows(
    client: Client,
) -> None:
    body = await get_json(client, "/api/v2/components/notifications/uptime.json")
    assert_valid(body, "uptime.json")
    for window in body["windows"].values():
        assert (window["availability"], window["availability_percent"]) == (None, None)
        assert window["source"] == "reported_status"
