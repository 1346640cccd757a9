"""Response times outlive the incident: a resolved incident's time to acknowledgement
and to the first human update stay on the dashboard for 30 days, marked resolved with
their verdicts, and the write API gives them in seconds, open or resolved."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup

from storage.database import Database
from tests.admin.alert_builders import draft_incident_for, fire
from tests.admin.helpers import PASSWORD, Clock, add_test_token, post_form, sign_in
from tests.admin.test_alert_api import matches_schema
from tests.admin.test_alert_dashboard import lines
from tests.app_client import Client


async def bearer(db: Database) -> dict[str, str]:
    return {"Authorization": f"Bearer {await add_test_token(db, 'deploys')}"}


async def resolved_p1(admin: Client, db: Database, clock: Clock, ack_after_min: float) -> int:
    """An alert's P1 draft, acknowledged by alice after `ack_after_min`, resolved by a
    script's update 5 minutes later (its first update by a person), a day ago."""
    alert = await fire(db)
    incident_id = await draft_incident_for(db, alert.group_id)
    clock.advance(minutes=ack_after_min)
    await post_form(admin, f"/admin/alerts/{alert.id}/ack", {})
    clock.advance(minutes=5)
    resolving = {"status": "resolved", "body": "Fixed."}
    path = f"/api/admin/incidents/{incident_id}/updates"
    answer = await admin.post(path, json=resolving, headers=await bearer(db))
    assert answer.status == 201, await answer.text()
    clock.advance(days=1)
    return incident_id


async def dashboard(admin: Client) -> BeautifulSoup:
    """The dashboard, signed in afresh: the clock has moved past alice's session."""
    assert (await sign_in(admin, "alice", PASSWORD)).status == 303
    response = await admin.get("/admin")
    assert response.status == 200
    soup = BeautifulSoup(await response.text(), "html.parser")
    assert soup.select_one("#open-heading") is not None  # the dashboard, not a sign-in
    return soup


async def response_times(admin: Client, db: Database, incident_id: int) -> dict[str, Any]:
    path = f"/api/admin/incidents/{incident_id}/response-times"
    answer = await admin.get(path, headers=await bearer(db))
    assert answer.status == 200, await answer.text()
    body: dict[str, Any] = await answer.json()
    return body


@pytest.mark.parametrize(("ack_after_min", "verdict"), [(10, "on time"), (40, "missed")])
async def test_the_dashboard_keeps_a_resolved_incident_with_its_verdicts(
    admin: Client, db: Database, clock: Clock, ack_after_min: int, verdict: str
) -> None:
    await resolved_p1(admin, db, clock, ack_after_min=ack_after_min)
    soup = await dashboard(admin)
    assert lines(soup, ".responses .tag.resolved") == ["resolved"]
    assert lines(soup, ".responses .ack") == [
        f"Acknowledged after {ack_after_min} min by alice: {verdict}"
    ]
    assert lines(soup, ".responses .first-update") == [
        f"First update by a person after {ack_after_min + 5} min: {verdict}"
    ]


async def test_a_resolved_incident_leaves_the_dashboard_after_30_days(
    admin: Client, db: Database, clock: Clock
) -> None:
    await resolved_p1(admin, db, clock, ack_after_min=10)
    clock.advance(days=28, hours=23)  # resolved 29 days 23 hours ago
    assert lines(await dashboard(admin), ".responses .tag.resolved") == ["resolved"]
    clock.advance(hours=2)
    assert (await dashboard(admin)).select(".responses li") == []


async def test_the_api_gives_a_resolved_incidents_response_times_in_seconds(
    admin: Client, db: Database, clock: Clock
) -> None:
    incident_id = await resolved_p1(admin, db, clock, ack_after_min=10)
    body = await response_times(admin, db, incident_id)
    assert body == {
        "incident_id": str(incident_id),
        "severity": "P1",
        "target": "30 min",
        "due_at": "2026-03-02T12:30:00.000+01:00",  # the site is in Berlin
        "time_to_ack_s": 600,
        "ack_verdict": "on time",
        "time_to_first_update_s": 900,
        "first_update_verdict": "on time",
    }
    assert await matches_schema(admin, body, "admin_response_times")


async def test_the_list_carries_each_incidents_response_times_beside_it(
    admin: Client, db: Database, clock: Clock
) -> None:
    incident_id = await resolved_p1(admin, db, clock, ack_after_min=40)
    answer = await admin.get("/api/admin/incidents", headers=await bearer(db))
    body = await answer.json()
    times = body["response_times"][str(incident_id)]
    assert (times["time_to_ack_s"], times["ack_verdict"]) == (2400, "missed")
    assert (times["time_to_first_update_s"], times["first_update_verdict"]) == (2700, "missed")
    assert await matches_schema(admin, times, "admin_response_times")


async def test_responses_not_given_yet_are_null(admin: Client, db: Database, clock: Clock) -> None:
    incident_id = await draft_incident_for(db, (await fire(db)).group_id)
    clock.advance(minutes=3)
    body = await response_times(admin, db, incident_id)
    assert (body["time_to_ack_s"], body["ack_verdict"]) == (None, "waiting")
    assert (body["time_to_first_update_s"], body["first_update_verdict"]) == (None, "waiting")


async def test_a_maintenance_has_no_response_times(admin: Client, db: Database) -> None:
    window = {
        "name": "Database upgrade",
        "scheduled_for": "2026-03-03T10:00:00+00:00",
        "scheduled_until": "2026-03-03T11:00:00+00:00",
    }
    created = await admin.post("/api/admin/maintenances", json=window, headers=await bearer(db))
    assert created.status == 201, await created.text()
    path = f"/api/admin/incidents/{(await created.json())['id']}/response-times"
    answer = await admin.get(path, headers=await bearer(db))
    assert answer.status == 404
    assert (await answer.json())["error"]["message"] == "no such incident or update"
