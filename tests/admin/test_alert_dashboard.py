"""The dashboard's alerting figures and `GET /api/admin/budgets`: firing groups by
severity, each probed component's 30-day error budget (from the day roll-ups), and
open incidents' response times against their severity's target."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from statuspage.admin.budgets import Budget
from statuspage.admin.dashboard_alerts import budget_row
from statuspage.config import Settings
from storage.database import Database
from storage.incidents.rules import NewIncident
from storage.incidents.writes import create_incident
from storage.results.rollup import roll_up
from storage.vocabulary import AlertSeverity
from tests.admin.alert_builders import draft_incident_for, fire
from tests.admin.helpers import NOW, SITE, Clock, add_test_token, post_form, settings_for
from tests.admin.test_alert_api import matches_schema
from tests.app_client import Client
from tests.storage.builders import record, write

BERLIN = ZoneInfo("Europe/Berlin")
PROBED = (
    SITE.split("[[components]]")[0]
    + """
[[components]]
id = "api"
name = "API"
url = "http://127.0.0.1:9/api"
sla_ms = 200

[[components]]
id = "payments"
name = "Payments"
url = "http://127.0.0.1:9/pay"
sla_ms = 200
critical = true

[[components]]
id = "web"
name = "Website"
"""
)


@pytest.fixture
def settings(tmp_path: Path, migrated: Path) -> Settings:
    shutil.copyfile(migrated, tmp_path / "page.db")
    return settings_for(tmp_path, PROBED)


async def measure(db: Database, component: str, results: int, failures: int, **ago: float) -> None:
    """`results` probes a minute apart ending `ago` before NOW, the last `failures` down."""
    end = NOW - timedelta(**ago) if ago else NOW - timedelta(minutes=1)
    records = [
        record(end - timedelta(minutes=n), "down" if n < failures else "up", component_id=component)
        for n in range(results)
    ]
    await write(db, records)
    await roll_up(db, now=NOW, tz=BERLIN)


async def budgets(client: Client, db: Database) -> dict[str, Any]:
    token = await add_test_token(db)
    response = await client.get("/api/admin/budgets", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 200, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def dashboard(admin: Client) -> BeautifulSoup:
    response = await admin.get("/admin")
    assert response.status == 200
    return BeautifulSoup(await response.text(), "html.parser")


def lines(soup: BeautifulSoup, selector: str) -> list[str]:
    return [" ".join(e.get_text().split()) for e in soup.select(selector)]


async def test_budgets_list_every_probed_component_with_its_figures(
    client: Client, db: Database
) -> None:
    await measure(db, "api", 200, 1)
    body = await budgets(client, db)
    assert body["window_days"] == 30
    api, payments = body["budgets"]
    assert api == {
        "component_id": "api",
        "name": "API",
        "objective_percent": 99.0,
        "window_days": 30,
        "results": 200,
        "failures": 1,
        "remaining_percent": 50.0,
        "overspent": False,
    }
    assert (payments["objective_percent"], payments["remaining_percent"]) == (99.9, None)


async def test_an_overspent_budget_reads_below_zero_down_to_the_floor(
    client: Client, db: Database
) -> None:
    await measure(db, "payments", 100, 1)
    payments = (await budgets(client, db))["budgets"][1]
    assert (payments["remaining_percent"], payments["overspent"]) == (-100.0, True)


async def test_results_older_than_30_days_do_not_count(client: Client, db: Database) -> None:
    await measure(db, "api", 10, 10, days=31)
    await measure(db, "api", 100, 0)
    api = (await budgets(client, db))["budgets"][0]
    assert (api["results"], api["failures"], api["remaining_percent"]) == (100, 0, 100.0)


async def test_budgets_match_the_documented_schema(client: Client, db: Database) -> None:
    await measure(db, "api", 200, 1)
    assert await matches_schema(client, await budgets(client, db), "admin_budgets")


async def test_the_dashboard_shows_each_components_budget(admin: Client, db: Database) -> None:
    await measure(db, "api", 200, 1)
    await measure(db, "payments", 100, 1)
    soup = await dashboard(admin)
    assert lines(soup, ".budgets li") == [
        "API: 50 % left objective 99 %; 1 of 200 probes failed",
        "Payments: overspent: 10 × the budget spent objective 99.9 %; 1 of 100 probes failed",
    ]


async def test_the_dashboard_counts_firing_groups_by_severity(admin: Client, db: Database) -> None:
    await fire(db, "outage")
    await fire(db, "error-rate-critical")  # the same group: counted once
    await fire(db, "error-rate-info", subject="component:web", severity=AlertSeverity.INFO)
    soup = await dashboard(admin)
    assert lines(soup, ".counts li") == ["Critical 1", "Warning 0", "Info 1"]
    assert soup.select_one('#alerts-heading ~ p a[href="/admin/alerts"]') is not None


async def test_an_acknowledgement_in_time_and_an_update_still_awaited(
    admin: Client, db: Database, clock: Clock
) -> None:
    alert = await fire(db)
    await draft_incident_for(db, alert.group_id)
    clock.advance(minutes=10)
    await post_form(admin, f"/admin/alerts/{alert.id}/ack", {})
    clock.advance(minutes=5)
    soup = await dashboard(admin)
    assert lines(soup, ".responses .ack") == ["Acknowledged after 10 min by alice: on time"]
    assert lines(soup, ".responses .first-update") == [
        "No update by a person yet (15 min): waiting"
    ]


async def test_a_target_passed_without_a_person_is_missed(
    admin: Client, db: Database, clock: Clock
) -> None:
    await draft_incident_for(db, (await fire(db)).group_id)
    clock.advance(minutes=31)
    soup = await dashboard(admin)
    assert lines(soup, ".responses .verdict.missed") == ["missed", "missed"]


async def test_a_backdated_p0_answered_late_missed_both_targets(
    admin: Client, db: Database
) -> None:
    new = NewIncident(
        name="Payments down",
        status="investigating",
        body="Looking.",
        severity="P0",
        started_at=NOW - timedelta(minutes=8),
        author="alice",
    )
    await create_incident(db, new, now=NOW, actor="alice")
    soup = await dashboard(admin)
    assert lines(soup, ".responses li strong") == ["P0"]
    assert lines(soup, ".responses .ack") == ["Acknowledged after 8 min by alice: missed"]
    assert lines(soup, ".responses .first-update") == [
        "First update by a person after 8 min: missed"
    ]


def test_an_overspent_budget_says_how_many_budgets_went() -> None:
    budget = Budget("api", "API", objective=0.99, results=1000, failures=15, remaining=-0.5)
    assert budget_row(budget).remaining == "overspent: 1.5 × the budget spent"


def test_a_hundred_percent_objective_has_no_budget_to_count_in() -> None:
    budget = Budget("api", "API", objective=1.0, results=10, failures=1, remaining=-1.0)
    assert budget_row(budget).remaining == "overspent: all of the budget spent"
