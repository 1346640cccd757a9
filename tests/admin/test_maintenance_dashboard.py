"""Scheduling maintenance, and the dashboard's view of what needs attention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from statuspage.rules.response_times import end_of_next_business_day, update_due_at
from tests.admin.helpers import Clock, open_incident, post_form
from tests.app_client import Client

BERLIN = ZoneInfo("Europe/Berlin")


async def test_scheduled_maintenance_is_announced_as_upcoming(admin: Client) -> None:
    form = [
        ("name", "Database upgrade"),
        ("scheduled_for", "2026-03-03T22:00"),
        ("scheduled_until", "2026-03-03T23:30"),
        ("components", "api"),
        ("body", "Expect short interruptions."),
    ]
    response = await post_form(admin, "/admin/maintenances", form)
    assert response.status == 303
    upcoming = await (await admin.get("/api/v2/scheduled-maintenances/upcoming.json")).json()
    (maintenance,) = upcoming["scheduled_maintenances"]
    assert maintenance["name"] == "Database upgrade"
    assert maintenance["scheduled_for"] == "2026-03-03T22:00:00.000+01:00"
    assert [c["id"] for c in maintenance["components"]] == ["api"]


async def test_a_window_that_ends_before_it_starts_is_refused_and_kept(admin: Client) -> None:
    form = [
        ("name", "Backwards"),
        ("scheduled_for", "2026-03-03T22:00"),
        ("scheduled_until", "2026-03-03T21:00"),
        ("components", "web"),
    ]
    response = await post_form(admin, "/admin/maintenances", form)
    assert response.status == 400
    html = await response.text()
    assert "must be after the start" in html
    box = BeautifulSoup(html, "html.parser").select_one('input[value="web"]')
    assert box is not None
    assert box.has_attr("checked")


async def test_the_dashboard_flags_an_incident_whose_update_is_overdue(
    admin: Client, clock: Clock
) -> None:
    await open_incident(admin, severity="P0", name="Payments down")
    clock.advance(minutes=4)
    assert "Overdue" not in await (await admin.get("/admin")).text()
    clock.advance(minutes=3)
    page = BeautifulSoup(await (await admin.get("/admin")).text(), "html.parser")
    row = page.select_one("tr.overdue")
    assert row is not None
    assert "Payments down" in row.get_text()
    assert "Overdue by 2 min" in row.get_text()


async def test_the_dashboard_shows_every_components_current_state(admin: Client) -> None:
    await open_incident(admin)
    text = BeautifulSoup(await (await admin.get("/admin")).text(), "html.parser").get_text(" ")
    assert "API" in text
    assert "Major Outage" in text
    assert "Website" in text


def test_response_targets_follow_the_incident_procedure() -> None:
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert update_due_at("P0", at, BERLIN) == at + timedelta(minutes=5)
    assert update_due_at("P1", at, BERLIN) == at + timedelta(minutes=30)
    assert update_due_at("P2", at, BERLIN) == at + timedelta(hours=2)
    assert update_due_at(None, at, BERLIN) is None


def test_p3_is_due_by_the_end_of_the_next_business_day_in_the_site_zone() -> None:
    friday_evening = datetime(2026, 3, 6, 22, 30, tzinfo=UTC)  # 23:30 Friday in Berlin
    assert end_of_next_business_day(friday_evening, BERLIN) == datetime(
        2026, 3, 10, 0, 0, tzinfo=BERLIN
    )
    late_friday = datetime(2026, 3, 6, 23, 30, tzinfo=UTC)  # already Saturday in Berlin
    assert end_of_next_business_day(late_friday, BERLIN) == datetime(
        2026, 3, 10, 0, 0, tzinfo=BERLIN
    )
