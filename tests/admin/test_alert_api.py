"""The write API's alerts: listed newest first in the v2 time format, acknowledged (with
the group and the incident), silenced and resolved by a token, every action audited."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from storage.alerts.reads import get_alert, get_group
from storage.audit import list_audit
from storage.database import Database
from storage.incidents.reads import get_incident
from tests.admin.alert_builders import draft_incident_for, fire, resolve
from tests.admin.helpers import NOW, Clock, add_test_token
from tests.api.factories import TIMESTAMP
from tests.app_client import Client


@pytest.fixture
async def api(client: Client, db: Database) -> Client:
    token = await add_test_token(db, "pager")
    client.session.headers["Authorization"] = f"Bearer {token}"
    return client


async def alerts_of(api: Client, query: str = "") -> list[dict[str, Any]]:
    response = await api.get("/api/admin/alerts" + query)
    assert response.status == 200, await response.text()
    listed: list[dict[str, Any]] = (await response.json())["alerts"]
    return listed


async def matches_schema(api: Client, body: object, name: str) -> bool:
    document = await (await api.get("/api/openapi.json")).json()
    registry = Registry().with_resource("openapi.json", DRAFT202012.create_resource(document))
    schema = {"$ref": f"openapi.json#/components/schemas/{name}"}
    errors = list(Draft202012Validator(schema, registry=registry).iter_errors(body))
    return not errors


async def test_the_list_shows_an_alert_with_string_ids_and_v2_times(
    api: Client, db: Database
) -> None:
    alert = await fire(db)
    (listed,) = await alerts_of(api)
    assert (listed["id"], listed["group_id"]) == (str(alert.id), str(alert.group_id))
    assert (listed["rule"], listed["severity"], listed["state"]) == (
        "error-rate-critical",
        "critical",
        "firing",
    )
    assert listed["component_id"] == "api"
    assert listed["figures"] == {"error_rate_percent": 12.5, "failures": 3, "results": 24}
    assert listed["fired_at"] == "2026-03-02T12:00:00.000+01:00"  # Berlin, as v2 writes it
    assert re.match(TIMESTAMP, listed["started_at"])
    assert listed["acknowledged_at"] is None


async def test_the_list_matches_the_documented_schema(api: Client, db: Database) -> None:
    await fire(db)
    response = await api.get("/api/admin/alerts")
    assert await matches_schema(api, await response.json(), "admin_alert_list")


async def test_the_list_is_newest_first(api: Client, db: Database) -> None:
    await fire(db, "error-rate-info", at=NOW - timedelta(hours=1))
    await fire(db, "outage")
    assert [a["rule"] for a in await alerts_of(api)] == ["outage", "error-rate-info"]


async def test_state_filters_the_list(api: Client, db: Database) -> None:
    await fire(db, "error-rate-info", at=NOW - timedelta(hours=1))
    await resolve(db, "error-rate-info")
    await fire(db, "outage")
    assert [a["rule"] for a in await alerts_of(api, "?state=firing")] == ["outage"]
    assert [a["rule"] for a in await alerts_of(api, "?state=resolved")] == ["error-rate-info"]


async def test_limit_and_offset_page_through_the_list(api: Client, db: Database) -> None:
    for hours, rule in enumerate(("a", "b", "c")):
        await fire(db, rule, at=NOW - timedelta(hours=hours))
    assert [a["rule"] for a in await alerts_of(api, "?limit=2&offset=1")] == ["b", "c"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("?state=burning", "state"), ("?limit=0", "limit"), ("?limit=501", "limit"),
     ("?offset=-1", "offset"), ("?limit=ten", "limit")],
)  # fmt: skip
async def test_a_bad_query_parameter_answers_400_naming_it(
    api: Client, query: str, field: str
) -> None:
    response = await api.get("/api/admin/alerts" + query)
    assert response.status == 400
    assert (await response.json())["error"]["field"] == field


async def test_ack_acknowledges_the_alert_its_group_and_its_incident(
    api: Client, db: Database, clock: Clock
) -> None:
    alert = await fire(db)
    incident_id = await draft_incident_for(db, alert.group_id)
    clock.advance(minutes=3)
    response = await api.post(f"/api/admin/alerts/{alert.id}/ack")
    assert response.status == 200
    body = await response.json()
    assert (body["acknowledged_by"], body["acknowledged_at"]) == (
        "token:pager",
        "2026-03-02T12:03:00.000+01:00",
    )
    group = await get_group(db, alert.group_id)
    assert (group.acknowledged_by, group.acknowledged_at) == ("token:pager", clock.now)
    incident = await get_incident(db, incident_id, include_drafts=True)
    assert incident is not None
    assert (incident.acknowledged_by, incident.acknowledged_at) == ("token:pager", clock.now)


async def test_ack_is_audited_under_the_tokens_name(api: Client, db: Database) -> None:
    alert = await fire(db)
    await api.post(f"/api/admin/alerts/{alert.id}/ack")
    entry = (await list_audit(db)).entries[0]
    assert (entry.actor, entry.action, entry.target) == (
        "token:pager",
        "alert.acknowledge",
        f"alert:{alert.id}",
    )
    assert entry.after is not None
    assert entry.after["rule"] == "error-rate-critical"


async def test_acknowledging_twice_keeps_the_first_acknowledgement(
    api: Client, db: Database, clock: Clock
) -> None:
    alert = await fire(db)
    await api.post(f"/api/admin/alerts/{alert.id}/ack")
    clock.advance(minutes=10)
    body = await (await api.post(f"/api/admin/alerts/{alert.id}/ack")).json()
    assert body["acknowledged_at"] == "2026-03-02T12:00:00.000+01:00"
    assert [e.action for e in (await list_audit(db)).entries].count("alert.acknowledge") == 1


async def test_silence_sets_until_now_plus_the_minutes(
    api: Client, db: Database, clock: Clock
) -> None:
    alert = await fire(db)
    response = await api.post(f"/api/admin/alerts/{alert.id}/silence", json={"minutes": 90})
    assert response.status == 200
    assert (await response.json())["silenced_until"] == "2026-03-02T13:30:00.000+01:00"
    stored = await get_alert(db, alert.id)
    assert stored.silenced_by == "token:pager"
    assert stored.silenced(clock.now + timedelta(minutes=89))
    assert (await list_audit(db)).entries[0].action == "alert.silence"


async def test_silence_for_zero_minutes_lifts_a_silence(
    api: Client, db: Database, clock: Clock
) -> None:
    alert = await fire(db)
    await api.post(f"/api/admin/alerts/{alert.id}/silence", json={"minutes": 60})
    clock.advance(minutes=5)
    await api.post(f"/api/admin/alerts/{alert.id}/silence", json={"minutes": 0})
    assert not (await get_alert(db, alert.id)).silenced(clock.now)


@pytest.mark.parametrize(
    "body",
    [{"minutes": -1}, {"minutes": 10081}, {"minutes": 1.5}, {"minutes": "30"},
     {"minutes": True}, {}, {"minutes": 30, "why": "noisy"}],
)  # fmt: skip
async def test_silence_refuses_anything_but_0_to_10080_whole_minutes(
    api: Client, db: Database, body: dict[str, object]
) -> None:
    alert = await fire(db)
    response = await api.post(f"/api/admin/alerts/{alert.id}/silence", json=body)
    assert response.status == 400
    assert (await response.json())["error"]["field"] in ("minutes", "why")
    assert (await get_alert(db, alert.id)).silenced_until is None


async def test_silence_needs_a_json_body(api: Client, db: Database) -> None:
    alert = await fire(db)
    response = await api.post(f"/api/admin/alerts/{alert.id}/silence", data={"minutes": "30"})
    assert response.status == 415


async def test_resolve_resolves_the_alert_and_its_group_by_hand(api: Client, db: Database) -> None:
    alert = await fire(db)
    response = await api.post(f"/api/admin/alerts/{alert.id}/resolve")
    assert response.status == 200
    body = await response.json()
    assert (body["state"], body["resolved_by"]) == ("resolved", "token:pager")
    assert body["resolved_at"] == "2026-03-02T12:00:00.000+01:00"
    assert (await get_group(db, alert.group_id)).resolved_at == NOW
    assert (await list_audit(db)).entries[0].action == "alert.resolve"


async def test_resolving_a_resolved_alert_changes_nothing(api: Client, db: Database) -> None:
    alert = await fire(db)
    await resolve(db)
    response = await api.post(f"/api/admin/alerts/{alert.id}/resolve")
    assert response.status == 200
    assert (await response.json())["resolved_by"] is None  # the rule cleared it
    assert "alert.resolve" not in [e.action for e in (await list_audit(db)).entries]


@pytest.mark.parametrize("action", ["ack", "silence", "resolve"])
async def test_an_unknown_alert_is_404_in_json(api: Client, action: str) -> None:
    response = await api.post(f"/api/admin/alerts/404/{action}", json={"minutes": 5})
    assert response.status == 404
    assert (await response.json())["error"] == {"status": 404, "message": "no such alert"}


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/admin/alerts"), ("POST", "/api/admin/alerts/1/ack"),
     ("POST", "/api/admin/alerts/1/silence"), ("POST", "/api/admin/alerts/1/resolve"),
     ("GET", "/api/admin/budgets")],
)  # fmt: skip
async def test_every_alert_endpoint_needs_a_token(
    client: Client, db: Database, method: str, path: str
) -> None:
    alert = await fire(db)
    response = await client.request(method, path.replace("/1/", f"/{alert.id}/"))
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await get_alert(db, alert.id)).acknowledged_at is None
