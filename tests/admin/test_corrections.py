"""Correcting what was said: edit and delete updates and incidents, from the forms."""

from __future__ import annotations

from storage.database import Database
from storage.incidents.reads import get_incident
from storage.status import statuses_in_force
from tests.admin.helpers import open_incident, post_form
from tests.admin.public_views import public_view
from tests.app_client import Client


async def first_update_id(db: Database, incident_id: int) -> int:
    incident = await get_incident(db, incident_id)
    assert incident is not None
    return incident.updates[-1].id


async def test_editing_an_update_changes_what_the_public_reads(admin: Client, db: Database) -> None:
    incident_id = await open_incident(admin)
    update_id = await first_update_id(db, incident_id)
    path = f"/admin/incidents/{incident_id}/updates/{update_id}/edit"
    assert (await admin.get(path)).status == 200
    response = await post_form(
        admin, path, {"body": "Payments fail for EU cards.", "status": "identified"}
    )
    assert response.status == 303
    shown = (await public_view(admin)).api["Checkout is failing"]
    assert shown["status"] == "identified"
    assert shown["incident_updates"][0]["body"] == "Payments fail for EU cards."


async def test_an_edit_to_an_empty_message_is_refused_and_kept(admin: Client, db: Database) -> None:
    incident_id = await open_incident(admin)
    update_id = await first_update_id(db, incident_id)
    path = f"/admin/incidents/{incident_id}/updates/{update_id}/edit"
    response = await post_form(admin, path, {"body": " ", "status": "investigating"})
    assert response.status == 400
    assert "an update needs a message" in await response.text()


async def test_deleting_an_update_needs_the_box_ticked(admin: Client, db: Database) -> None:
    incident_id = await open_incident(admin)
    update_id = await first_update_id(db, incident_id)
    path = f"/admin/incidents/{incident_id}/updates/{update_id}/delete"
    assert (await post_form(admin, path, {})).status == 400
    assert (await post_form(admin, path, {"confirm": "yes"})).status == 303
    shown = (await public_view(admin)).api["Checkout is failing"]
    assert shown["incident_updates"][0]["body"] == ""  # the v2 stand-in: no updates left


async def test_an_update_is_only_found_under_its_own_incident(admin: Client, db: Database) -> None:
    first, second = await open_incident(admin), await open_incident(admin, name="Other")
    update_id = await first_update_id(db, first)
    response = await admin.get(f"/admin/incidents/{second}/updates/{update_id}/edit")
    assert response.status == 404


async def test_editing_an_incident_renames_it_and_changes_its_severity(
    admin: Client, db: Database
) -> None:
    incident_id = await open_incident(admin)
    form = {"name": "Card payments failing", "severity": "P0", "impact": "auto"}
    response = await post_form(admin, f"/admin/incidents/{incident_id}/edit", form)
    assert response.status == 303
    incident = await get_incident(db, incident_id)
    assert incident is not None
    assert (incident.name, incident.severity) == ("Card payments failing", "P0")


async def test_deleting_an_incident_hides_it_and_frees_its_components(
    admin: Client, db: Database
) -> None:
    incident_id = await open_incident(admin)
    assert (await post_form(admin, f"/admin/incidents/{incident_id}/delete", {})).status == 400
    response = await post_form(admin, f"/admin/incidents/{incident_id}/delete", {"confirm": "yes"})
    assert response.headers["Location"] == "/admin/incidents?done=deleted"
    assert (await public_view(admin)).api == {}
    assert (await statuses_in_force(db))["api"].status == "operational"
    audit = await (await admin.get("/admin/audit")).text()
    assert "incident.delete" in audit
