"""The on-call path, start to finish, and what the public sees after each step:
open an incident, post an update, resolve it, publish the post-mortem."""

from __future__ import annotations

from storage.database import Database
from storage.status import statuses_in_force
from tests.admin.helpers import Clock, open_incident, post_form
from tests.admin.public_views import public_view
from tests.app_client import Client

NAME = "Checkout is failing"


async def component_statuses(db: Database) -> dict[str, str]:
    return {cid: s.status for cid, s in (await statuses_in_force(db)).items()}


async def test_opening_an_incident_shows_it_everywhere_at_once(admin: Client, db: Database) -> None:
    incident_id = await open_incident(admin, name=NAME)
    assert await component_statuses(db) == {"api": "major_outage"}
    public = await public_view(admin)
    assert public.active == [NAME]
    shown = public.api[NAME]
    assert (shown["id"], shown["status"], shown["impact"]) == (
        str(incident_id),
        "investigating",
        "critical",
    )
    assert shown["incident_updates"][0]["body"] == "We are investigating failed payments."
    assert [c["id"] for c in shown["components"]] == ["api"]
    assert public.feed_titles == [NAME]


async def test_an_update_moves_the_incident_on_everywhere(
    admin: Client, db: Database, clock: Clock
) -> None:
    incident_id = await open_incident(admin, name=NAME)
    clock.advance(minutes=10)
    form = {
        "status": "identified",
        "body": "A bad deploy; rolling back.",
        "component.api": "partial_outage",
        "was.api": "major_outage",
    }
    response = await post_form(admin, f"/admin/incidents/{incident_id}/updates", form)
    assert response.status == 303
    assert response.headers["Location"] == f"/admin/incidents/{incident_id}?done=updated"
    assert await component_statuses(db) == {"api": "partial_outage"}
    public = await public_view(admin)
    shown = public.api[NAME]
    assert shown["status"] == "identified"
    assert [u["status"] for u in shown["incident_updates"]] == ["identified", "investigating"]
    assert "rolling back" in public.feed_bodies[0]


async def test_resolving_puts_the_components_back_and_moves_the_incident_to_the_past(
    admin: Client, db: Database, clock: Clock
) -> None:
    incident_id = await open_incident(admin, name=NAME)
    clock.advance(minutes=30)
    form = {
        "status": "resolved",
        "body": "Fixed.",
        "component.api": "major_outage",
        "was.api": "major_outage",
    }
    await post_form(admin, f"/admin/incidents/{incident_id}/updates", form)
    assert await component_statuses(db) == {"api": "operational"}
    public = await public_view(admin)
    assert public.active == []
    assert public.past == [NAME]
    assert public.api[NAME]["status"] == "resolved"
    assert public.api[NAME]["resolved_at"] is not None


async def test_a_published_post_mortem_becomes_the_incidents_status(
    admin: Client, db: Database, clock: Clock
) -> None:
    incident_id = await open_incident(admin, name=NAME)
    form = {
        "status": "resolved",
        "body": "Fixed.",
        "was.api": "major_outage",
        "component.api": "major_outage",
    }
    await post_form(admin, f"/admin/incidents/{incident_id}/updates", form)
    clock.advance(hours=3)
    postmortem = {"body": "## Root cause\nA *bad* deploy.", "action": "publish"}
    response = await post_form(admin, f"/admin/incidents/{incident_id}/postmortem", postmortem)
    assert response.status == 303
    public = await public_view(admin)
    assert public.api[NAME]["status"] == "postmortem"
    page = await (await admin.get(f"/incidents/{incident_id}")).text()
    assert "Post-mortem" in page
    assert "<em>bad</em>" in page


async def test_the_whole_story_is_in_the_audit_log(admin: Client, clock: Clock) -> None:
    incident_id = await open_incident(admin, name=NAME)
    form = {"status": "resolved", "body": "Fixed."}
    await post_form(admin, f"/admin/incidents/{incident_id}/updates", form)
    await post_form(
        admin, f"/admin/incidents/{incident_id}/postmortem", {"body": "Why.", "action": "publish"}
    )
    audit = await (await admin.get("/admin/audit")).text()
    for action in ("incident.create", "update.post", "postmortem.publish"):
        assert action in audit
    assert "alice" in audit
