"""The write API: the forms' writes with a bearer token, answered in the v2 shape."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from storage.audit import list_audit
from storage.database import Database
from storage.incidents.reads import IncidentFilter, list_incidents
from storage.status import statuses_in_force
from tests.admin.helpers import add_test_token
from tests.api.schemas import registry
from tests.app_client import Client

NEW = {
    "name": "Checkout is failing",
    "status": "investigating",
    "body": "We are *investigating*.",
    "severity": "P1",
    "components": {"api": "major_outage"},
}


def assert_v2(body: Any, shape: str = "incident") -> None:
    schema = {"$ref": f"common.json#/$defs/{shape}"}
    errors = list(Draft202012Validator(schema, registry=registry()).iter_errors(body))
    assert not errors, [e.message for e in errors[:3]]


@pytest.fixture
async def api(client: Client, db: Database) -> Client:
    token = await add_test_token(db, "deploys")
    client.session.headers["Authorization"] = f"Bearer {token}"
    return client


async def opened(api: Client, **changes: object) -> dict[str, Any]:
    response = await api.post("/api/admin/incidents", json=NEW | changes)
    assert response.status == 201, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def test_creating_an_incident_answers_201_with_it_in_v2_shape(
    api: Client, db: Database
) -> None:
    body = await opened(api)
    assert_v2(body)
    assert (body["name"], body["status"], body["impact"]) == (
        NEW["name"],
        "investigating",
        "critical",
    )
    assert body["incident_updates"][0]["body"] == "We are investigating."
    assert (await statuses_in_force(db))["api"].status == "major_outage"


async def test_the_audit_log_names_the_token(api: Client, db: Database) -> None:
    await opened(api)
    entry = (await list_audit(db)).entries[0]
    assert (entry.actor, entry.action) == ("token:deploys", "incident.create")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": 12}, "name"),
        ({"status": "on_fire"}, "status"),
        ({"severity": "P9"}, "severity"),
        ({"components": {"nope": "major_outage"}}, "components.nope"),
        ({"components": {"api": "exploded"}}, "components.api"),
        ({"components": ["api"]}, "components"),
        ({"impact": "apocalyptic"}, "impact"),
        ({"started_at": "yesterday"}, "started_at"),
        ({"started_at": "2030-01-01T00:00:00Z"}, "started_at"),
        ({"draft": "yes"}, "draft"),
        ({"severty": "P1"}, "severty"),
    ],
)
async def test_a_bad_field_answers_400_naming_it_and_writes_nothing(
    api: Client, db: Database, changes: dict[str, object], field: str
) -> None:
    response = await api.post("/api/admin/incidents", json=NEW | changes)
    assert response.status == 400
    error = (await response.json())["error"]
    assert (error["status"], error["field"]) == (400, field)
    assert error["message"]
    assert await list_incidents(db, IncidentFilter(include_drafts=True)) == []


async def test_a_missing_required_field_is_named(api: Client) -> None:
    response = await api.post("/api/admin/incidents", json={"name": "x", "status": "investigating"})
    assert (await response.json())["error"]["field"] == "body"


async def test_a_body_that_is_not_json_is_refused(api: Client) -> None:
    response = await api.post("/api/admin/incidents", data={"name": "form"})
    assert response.status == 415
    broken = await api.post(
        "/api/admin/incidents", data="{", headers={"Content-Type": "application/json"}
    )
    assert broken.status == 400


async def test_posting_updates_and_resolving(api: Client, db: Database) -> None:
    incident_id = (await opened(api))["id"]
    update = {"status": "identified", "body": "Found it.", "components": {"api": "partial_outage"}}
    response = await api.post(f"/api/admin/incidents/{incident_id}/updates", json=update)
    assert response.status == 201
    assert (await response.json())["status"] == "identified"
    resolve = {"status": "resolved", "body": "Fixed."}
    body = await (
        await api.post(f"/api/admin/incidents/{incident_id}/updates", json=resolve)
    ).json()
    assert_v2(body)
    assert body["status"] == "resolved"
    assert (await statuses_in_force(db))["api"].status == "operational"


async def test_an_update_to_an_unknown_incident_is_404(api: Client) -> None:
    response = await api.post(
        "/api/admin/incidents/999/updates", json={"status": "identified", "body": "x"}
    )
    assert response.status == 404
    assert (await response.json())["error"]["status"] == 404


async def test_patch_changes_name_severity_and_impact(api: Client) -> None:
    incident_id = (await opened(api))["id"]
    changes = {"name": "Card payments failing", "severity": "P0", "impact": "major"}
    response = await api.patch(f"/api/admin/incidents/{incident_id}", json=changes)
    assert response.status == 200
    body = await response.json()
    assert (body["name"], body["impact"]) == ("Card payments failing", "major")


async def test_patch_with_draft_false_publishes_a_draft(api: Client) -> None:
    incident_id = (await opened(api, draft=True))["id"]
    listed = await (await api.get("/api/v2/incidents.json")).json()
    assert listed["incidents"] == []
    await api.patch(f"/api/admin/incidents/{incident_id}", json={"draft": False})
    listed = await (await api.get("/api/v2/incidents.json")).json()
    assert [i["id"] for i in listed["incidents"]] == [incident_id]


async def test_an_update_can_be_corrected_and_deleted(api: Client) -> None:
    body = await opened(api)
    incident_id, update_id = body["id"], body["incident_updates"][0]["id"]
    path = f"/api/admin/incidents/{incident_id}/updates/{update_id}"
    edited = await (await api.patch(path, json={"body": "Corrected."})).json()
    assert edited["incident_updates"][0]["body"] == "Corrected."
    assert (await api.delete(path)).status == 204
    assert (await api.delete(path)).status == 404


async def test_delete_hides_the_incident(api: Client) -> None:
    incident_id = (await opened(api))["id"]
    assert (await api.delete(f"/api/admin/incidents/{incident_id}")).status == 204
    listed = await (await api.get("/api/v2/incidents.json")).json()
    assert listed["incidents"] == []


async def test_a_post_mortem_can_be_published_once_resolved(api: Client) -> None:
    incident_id = (await opened(api))["id"]
    path = f"/api/admin/incidents/{incident_id}"
    early = await api.post(path + "/postmortem", json={"body": "Why."})
    assert (await early.json())["error"]["field"] == "postmortem_body"
    await api.post(path + "/updates", json={"status": "resolved", "body": "Fixed."})
    body = await (await api.post(path + "/postmortem", json={"body": "Why."})).json()
    assert body["status"] == "postmortem"


async def test_scheduling_maintenance_takes_a_list_of_component_ids(api: Client) -> None:
    maintenance = {
        "name": "Database upgrade",
        "body": "Short interruptions.",
        "scheduled_for": "2026-03-03T22:00:00+01:00",
        "scheduled_until": "2026-03-03T23:00:00+01:00",
        "components": ["api"],
    }
    response = await api.post("/api/admin/maintenances", json=maintenance)
    assert response.status == 201
    body = await response.json()
    assert_v2(body, "scheduled_maintenance")
    assert (body["status"], body["scheduled_for"]) == ("scheduled", "2026-03-03T22:00:00.000+01:00")


async def test_a_revoked_or_wrong_token_is_401_with_a_bearer_challenge(client: Client) -> None:
    response = await client.post(
        "/api/admin/incidents", json=NEW, headers={"Authorization": "Bearer sp_wrong"}
    )
    assert response.status == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
