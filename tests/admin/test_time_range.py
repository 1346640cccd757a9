"""Times an incident or maintenance may carry: from the history's first year to a
year ahead. A time outside, even one a datetime cannot hold in UTC, is refused with
400 naming the field (the API) or under the field's label (the forms), never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from storage.database import Database
from tests.admin.helpers import add_test_token, incident_form, open_incident, post_form
from tests.admin.test_form_errors import problems_listed
from tests.app_client import Client

INCIDENT = {"name": "y0", "status": "investigating", "body": "b"}
WINDOW = {
    "name": "Database upgrade",
    "scheduled_for": "2026-03-03T22:00:00+01:00",
    "scheduled_until": "2026-03-03T23:00:00+01:00",
}
TOO_EARLY = ["0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00-05:00", "1999-12-31T23:00:00Z"]
TOO_LATE = ["9999-12-31T23:59:59-05:00", "9999-12-31T20:00:00Z", "2027-03-03T11:00:00Z"]


@pytest.fixture
async def api(client: Client, db: Database) -> Client:
    token = await add_test_token(db, "deploys")
    client.session.headers["Authorization"] = f"Bearer {token}"
    return client


async def refused_field(response: Any) -> str:
    assert response.status == 400, await response.text()
    field: str = (await response.json())["error"]["field"]
    return field


@pytest.mark.parametrize("started_at", [*TOO_EARLY, "9999-12-31T23:59:59-05:00"])
async def test_an_incident_started_out_of_range_is_refused_naming_the_field(
    api: Client, started_at: str
) -> None:
    response = await api.post("/api/admin/incidents", json=INCIDENT | {"started_at": started_at})
    assert await refused_field(response) == "started_at"


@pytest.mark.parametrize("field", ["scheduled_for", "scheduled_until"])
@pytest.mark.parametrize("at", [*TOO_EARLY, *TOO_LATE])
async def test_maintenance_out_of_range_is_refused_naming_the_field(
    api: Client, field: str, at: str
) -> None:
    window = WINDOW | {field: at}
    if field == "scheduled_for":  # keep the end after the start, so the start is what is wrong
        window["scheduled_until"] = "9999-12-31T23:59:59+00:00"
    response = await api.post("/api/admin/maintenances", json=window)
    assert await refused_field(response) == field


async def test_maintenance_may_be_planned_up_to_a_year_ahead(api: Client) -> None:
    window = WINDOW | {
        "scheduled_for": "2027-03-01T10:00:00Z",
        "scheduled_until": "2027-03-02T10:00:00Z",
    }
    response = await api.post("/api/admin/maintenances", json=window)
    assert response.status == 201, await response.text()


@pytest.mark.parametrize("field", ["scheduled_for", "scheduled_until"])
@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
async def test_moving_maintenance_out_of_range_is_refused_naming_the_field(
    api: Client, field: str, at: str
) -> None:
    created = await api.post("/api/admin/maintenances", json=WINDOW)
    maintenance_id = (await created.json())["id"]
    response = await api.patch(f"/api/admin/incidents/{maintenance_id}", json={field: at})
    assert await refused_field(response) == field


async def test_an_incident_form_out_of_range_comes_back_under_the_label(admin: Client) -> None:
    form = incident_form(started_at="0001-01-01T00:00+05:00")
    response = await post_form(admin, "/admin/incidents", form)
    assert response.status == 400
    [problem] = problems_listed(await response.text())
    assert problem.startswith("Started at: ")


@pytest.mark.parametrize("at", ["9999-12-31T23:00-05:00", "1999-06-01T12:00"])
async def test_a_maintenance_form_out_of_range_comes_back_under_the_label(
    admin: Client, at: str
) -> None:
    form = {"name": "Upgrade", "scheduled_for": at, "scheduled_until": "2026-03-04T10:00"}
    response = await post_form(admin, "/admin/maintenances", form)
    assert response.status == 400
    [problem] = problems_listed(await response.text())
    assert problem.startswith("Starts: ")


async def test_an_incident_from_the_history_first_year_on_is_accepted(admin: Client) -> None:
    incident_id = await open_incident(admin, started_at="2000-01-02T00:00")
    page = await admin.get(f"/incidents/{incident_id}")
    assert "/history?month=2000-01" in await page.text()
