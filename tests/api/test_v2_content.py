"""What the v2 endpoints say: the Statuspage contract, read through the real app."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from statuspage import keys
from storage.database import Database
from storage.incidents.edits import delete_incident, delete_update
from storage.incidents.writes import advance_maintenances, publish_incident
from tests.api.factories import NOW, SITE_URL, open_incident, post, schedule_maintenance
from tests.api.helpers import get_json, items
from tests.api.schemas import assert_valid
from tests.app_client import Client


async def test_a_group_row_lists_its_children_and_takes_the_worst_status(
    client: Client, db: Database
) -> None:
    await open_incident(db, components={"database": "partial_outage"})
    rows = {c["id"]: c for c in (await get_json(client, "/api/v2/components.json"))["components"]}
    group = rows["group-platform"]
    assert (group["group"], group["components"]) == (True, ["api", "database"])
    assert group["status"] == "partial_outage"
    assert rows["database"]["group_id"] == "group-platform"


async def test_a_component_with_no_data_yet_is_operational(client: Client) -> None:
    rows = (await get_json(client, "/api/v2/components.json"))["components"]
    assert {r["status"] for r in rows} == {"operational"}


async def test_group_rows_come_just_before_their_first_child(client: Client) -> None:
    rows = (await get_json(client, "/api/v2/components.json"))["components"]
    assert [r["id"] for r in rows] == ["group-platform", "api", "database", "notifications"]


async def test_an_incident_embeds_its_components_as_full_objects(
    client: Client, db: Database
) -> None:
    await open_incident(db, components={"database": "major_outage", "api": "degraded_performance"})
    body = await get_json(client, "/api/v2/summary.json")
    rows = {c["id"]: c for c in body["components"]}
    embedded = body["incidents"][0]["components"]
    assert embedded == [rows["api"], rows["database"]]
    assert rows["database"]["status"] == "major_outage"


async def test_updates_are_newest_first_with_plain_text_bodies(
    client: Client, db: Database
) -> None:
    incident = await open_incident(db, body="We are **looking** into it.")
    await post(db, incident, "identified", "Found it.", at=NOW - timedelta(minutes=40))
    await post(db, incident, "resolved", "Fixed.", at=NOW - timedelta(minutes=20))
    found = (await get_json(client, "/api/v2/incidents.json"))["incidents"][0]
    updates = found["incident_updates"]
    assert [u["status"] for u in updates] == ["resolved", "identified", "investigating"]
    assert updates[-1]["body"] == "We are looking into it."
    assert (found["status"], found["resolved_at"]) == ("resolved", updates[0]["display_at"])


async def test_an_incident_whose_updates_were_all_deleted_still_has_one(
    client: Client, db: Database
) -> None:
    incident = await open_incident(db)
    found = (await get_json(client, "/api/v2/incidents.json"))["incidents"][0]
    await delete_update(db, int(found["incident_updates"][0]["id"]), now=NOW, actor="test")
    again = await get_json(client, "/api/v2/incidents.json")
    assert len(again["incidents"][0]["incident_updates"]) == 1
    assert again["incidents"][0]["incident_updates"][0]["incident_id"] == str(incident)
    assert_valid(again, "incidents.json")


async def test_maintenance_carries_its_window_and_maintenance_impact(
    client: Client, db: Database
) -> None:
    await schedule_maintenance(db, starts=NOW + timedelta(days=1), hours=2)
    found = (await get_json(client, "/api/v2/scheduled-maintenances/upcoming.json"))[
        "scheduled_maintenances"
    ][0]
    assert (found["status"], found["impact"]) == ("scheduled", "maintenance")
    assert found["scheduled_for"] == "2026-11-27T11:15:02.113+01:00"
    assert found["scheduled_until"] == "2026-11-27T13:15:02.113+01:00"


async def test_plain_incidents_have_no_maintenance_window_keys(
    client: Client, db: Database
) -> None:
    await open_incident(db)
    found = (await get_json(client, "/api/v2/incidents.json"))["incidents"][0]
    assert "scheduled_for" not in found


async def test_maintenance_is_not_listed_among_incidents(client: Client, db: Database) -> None:
    await schedule_maintenance(db)
    assert (await get_json(client, "/api/v2/incidents.json"))["incidents"] == []


async def test_drafts_never_appear_until_published(client: Client, db: Database) -> None:
    draft = await open_incident(db, "Secret", draft=True)
    for path in ("incidents.json", "incidents/unresolved.json", "summary.json"):
        body = await get_json(client, f"/api/v2/{path}")
        assert "Secret" not in [v for k, v in items(body) if k == "name"], path
    await publish_incident(db, draft, now=NOW)
    assert (await get_json(client, "/api/v2/incidents.json"))["incidents"][0]["name"] == "Secret"


async def test_deleted_incidents_never_appear(client: Client, db: Database) -> None:
    incident = await open_incident(db, "Mistake")
    await delete_incident(db, incident, now=NOW, actor="test")
    assert (await get_json(client, "/api/v2/incidents.json"))["incidents"] == []
    assert (await get_json(client, "/api/v2/summary.json"))["incidents"] == []


async def test_the_shortlink_is_the_incident_permalink(client: Client, db: Database) -> None:
    incident = await open_incident(db)
    found = (await get_json(client, "/api/v2/incidents.json"))["incidents"][0]
    assert found["shortlink"] == f"{SITE_URL}/incidents/{incident}"


async def test_ids_are_strings_and_stable_across_requests(client: Client, db: Database) -> None:
    await open_incident(db)
    first = await get_json(client, "/api/v2/summary.json")
    second = await get_json(client, "/api/v2/summary.json")
    ids = [v for k, v in items(first) if k in ("id", "incident_id", "page_id")]
    assert ids
    assert all(isinstance(i, str) for i in ids)
    assert ids == [v for k, v in items(second) if k in ("id", "incident_id", "page_id")]


async def test_page_updated_at_moves_with_the_latest_update(client: Client, db: Database) -> None:
    incident = await open_incident(db, at=NOW - timedelta(days=400))
    before = (await get_json(client, "/api/v2/status.json"))["page"]["updated_at"]
    await post(db, incident, "resolved", "Done.", at=NOW + timedelta(days=1))
    after = (await get_json(client, "/api/v2/status.json"))["page"]
    assert after["updated_at"] == "2026-11-27T11:15:02.113+01:00" != before
    assert (after["id"], after["url"], after["time_zone"]) == (
        "example-status",
        SITE_URL,
        "Europe/Berlin",
    )


async def test_all_operational_reads_none(client: Client) -> None:
    status = (await get_json(client, "/api/v2/status.json"))["status"]
    assert status == {"indicator": "none", "description": "All Systems Operational"}


async def test_one_degraded_leaf_reads_partially_degraded(client: Client, db: Database) -> None:
    await open_incident(db, components={"database": "degraded_performance"}, impact="minor")
    status = (await get_json(client, "/api/v2/status.json"))["status"]
    assert status == {"indicator": "minor", "description": "Partially Degraded Service"}


async def test_an_unresolved_incident_of_higher_impact_raises_the_indicator(
    client: Client, db: Database
) -> None:
    await open_incident(db, components={"database": "degraded_performance"}, impact="critical")
    status = (await get_json(client, "/api/v2/status.json"))["status"]
    assert status == {"indicator": "critical", "description": "Major System Outage"}


async def test_maintenance_in_progress_reads_under_maintenance(
    client: Client, db: Database
) -> None:
    await schedule_maintenance(db, starts=NOW - timedelta(minutes=5))
    await advance_maintenances(db, now=NOW)
    body = await get_json(client, "/api/v2/summary.json")
    assert body["status"]["indicator"] == "maintenance"
    assert body["scheduled_maintenances"][0]["status"] == "in_progress"


async def test_hostile_text_comes_back_as_inert_text(client: Client, db: Database) -> None:
    await open_incident(db, "<script>alert(1)</script>\x00\x1b", body="<b>bold</b> ]]> \x07")
    found = (await get_json(client, "/api/v2/incidents.json"))["incidents"][0]
    assert found["name"] == "<script>alert(1)</script>"
    assert found["incident_updates"][0]["body"] == "<b>bold</b> ]]>"


async def test_incidents_json_holds_the_fifty_most_recent(client: Client, db: Database) -> None:
    for number in range(52):
        await open_incident(db, f"Incident {number}", at=NOW - timedelta(hours=60 - number))
    found = (await get_json(client, "/api/v2/incidents.json"))["incidents"]
    assert [i["name"] for i in found[:2]] == ["Incident 51", "Incident 50"]
    assert len(found) == 50


async def test_a_reloaded_page_name_changes_the_page_object(client: Client) -> None:
    holder = client.app[keys.SETTINGS]
    site = holder.current.file.site.model_copy(update={"name": "Renamed"})
    file = holder.current.file.model_copy(update={"site": site})
    holder.replace(dataclasses.replace(holder.current, file=file))
    assert (await get_json(client, "/api/v2/status.json"))["page"]["name"] == "Renamed"
