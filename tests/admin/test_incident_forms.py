"""The incident forms: what they accept, what they refuse, and what they keep."""

from __future__ import annotations

from datetime import UTC, datetime

from bs4 import BeautifulSoup

from storage.database import Database
from storage.incidents.reads import IncidentFilter, get_incident, list_incidents
from storage.status import statuses_in_force
from tests.admin.helpers import incident_form, open_incident, post_form
from tests.admin.public_views import public_view
from tests.app_client import Client


def selected(html: str, name: str) -> str | None:
    option = BeautifulSoup(html, "html.parser").select_one(
        f'select[name="{name}"] option[selected]'
    )
    return None if option is None else str(option["value"])


async def test_a_form_without_a_title_is_shown_again_with_what_was_typed(
    admin: Client, db: Database
) -> None:
    response = await post_form(admin, "/admin/incidents", incident_form(name=""))
    assert response.status == 400
    html = await response.text()
    assert "a title is required" in html
    assert "We are **investigating** failed payments." in html
    assert selected(html, "severity") == "P1"
    assert selected(html, "component.api") == "major_outage"
    assert await list_incidents(db, IncidentFilter(include_drafts=True)) == []


async def test_a_severity_must_be_chosen(admin: Client) -> None:
    response = await post_form(admin, "/admin/incidents", incident_form(severity=""))
    assert response.status == 400
    assert "choose a severity" in await response.text()


async def test_preview_shows_the_message_as_the_public_page_will_and_saves_nothing(
    admin: Client, db: Database
) -> None:
    form = incident_form(action="preview", body="Rolling *back* now")
    response = await post_form(admin, "/admin/incidents", form)
    assert response.status == 200
    preview = BeautifulSoup(await response.text(), "html.parser").select_one(".preview .message")
    assert preview is not None
    assert preview.decode_contents().strip() == "<p>Rolling <em>back</em> now</p>"
    assert await list_incidents(db, IncidentFilter(include_drafts=True)) == []


async def test_a_draft_stays_private_until_it_is_published(admin: Client, db: Database) -> None:
    incident_id = await open_incident(admin, action="draft")
    assert (await public_view(admin)).api == {}
    assert await statuses_in_force(db) == {}
    response = await post_form(admin, f"/admin/incidents/{incident_id}/publish", {})
    assert response.headers["Location"] == f"/admin/incidents/{incident_id}?done=published"
    assert list((await public_view(admin)).api) == ["Checkout is failing"]
    assert (await statuses_in_force(db))["api"].status == "major_outage"


async def test_a_back_dated_start_is_read_in_the_site_time_zone(
    admin: Client, db: Database
) -> None:
    incident_id = await open_incident(admin, started_at="2026-03-02T11:30")
    incident = await get_incident(db, incident_id)
    assert incident is not None
    assert incident.started_at == datetime(2026, 3, 2, 10, 30, tzinfo=UTC)  # Berlin is UTC+1


async def test_a_start_time_the_clocks_skip_is_refused(admin: Client) -> None:
    response = await post_form(
        admin, "/admin/incidents", incident_form(started_at="2026-03-29T02:30")
    )
    assert response.status == 400
    assert "does not exist in Europe/Berlin" in await response.text()


async def test_a_chosen_impact_overrides_the_derived_one(admin: Client, db: Database) -> None:
    incident_id = await open_incident(admin, impact="minor")
    incident = await get_incident(db, incident_id)
    assert incident is not None
    assert (incident.impact, incident.impact_override) == ("minor", True)


async def test_the_update_form_starts_from_the_components_current_statuses(admin: Client) -> None:
    incident_id = await open_incident(admin)
    html = await (await admin.get(f"/admin/incidents/{incident_id}")).text()
    assert selected(html, "component.api") == "major_outage"
    assert selected(html, "component.web") is None  # not affected: "Unchanged"
    assert selected(html, "status") == "investigating"


async def test_an_update_can_bring_in_another_component(admin: Client, db: Database) -> None:
    incident_id = await open_incident(admin)
    form = {
        "status": "identified",
        "body": "The website too.",
        "was.api": "major_outage",
        "component.api": "major_outage",
        "component.web": "degraded_performance",
    }
    await post_form(admin, f"/admin/incidents/{incident_id}/updates", form)
    statuses = {cid: s.status for cid, s in (await statuses_in_force(db)).items()}
    assert statuses == {"api": "major_outage", "web": "degraded_performance"}


async def test_resolving_can_keep_a_component_as_it_is_when_asked(
    admin: Client, db: Database
) -> None:
    incident_id = await open_incident(admin)
    form = {
        "status": "resolved",
        "body": "Mostly fixed.",
        "was.api": "major_outage",
        "component.api": "major_outage",
        "keep_statuses": "yes",
    }
    await post_form(admin, f"/admin/incidents/{incident_id}/updates", form)
    assert (await statuses_in_force(db))["api"].status == "major_outage"


async def test_an_update_without_a_message_is_shown_again_with_400(admin: Client) -> None:
    incident_id = await open_incident(admin)
    form = {
        "status": "monitoring",
        "body": "  ",
        "was.api": "major_outage",
        "component.api": "partial_outage",
    }
    response = await post_form(admin, f"/admin/incidents/{incident_id}/updates", form)
    assert response.status == 400
    html = await response.text()
    assert "an update needs a message" in html
    assert selected(html, "component.api") == "partial_outage"
    assert selected(html, "status") == "monitoring"


async def test_an_unknown_incident_is_not_found(admin: Client) -> None:
    response = await admin.get("/admin/incidents/404")
    assert response.status == 404
