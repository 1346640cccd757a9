"""Incident templates: kept by operators, and one fills the new-incident form to review."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from storage.database import Database
from storage.incidents.reads import IncidentFilter, list_incidents
from tests.admin.helpers import add_test_token, open_incident, post_form
from tests.app_client import Client


def template_form(**overrides: str) -> dict[str, str]:
    fields = {
        "template_name": "Payments down",
        "title": "Card payments are failing",
        "body": "We are **investigating** failed card payments.",
        "component.api": "major_outage",
    }
    return fields | overrides


async def add_template(client: Client, **overrides: str) -> int:
    response = await post_form(client, "/admin/templates", template_form(**overrides))
    assert response.status == 303, await response.text()
    listing = await (await client.get("/admin/templates")).text()
    found = re.findall(r'id="template-(\d+)"', listing)
    return int(found[-1])


async def test_a_saved_template_is_listed_with_what_it_affects(admin: Client) -> None:
    await add_template(admin)
    soup = BeautifulSoup(await (await admin.get("/admin/templates")).text(), "html.parser")
    card = soup.select_one(".card")
    assert card is not None
    text = card.get_text(" ", strip=True)
    assert "Payments down" in text
    assert "API: Major Outage" in text


async def test_using_a_template_fills_the_new_incident_form_and_publishes_nothing(
    admin: Client, db: Database
) -> None:
    template_id = await add_template(admin)
    page = await admin.get(f"/admin/incidents/new?template={template_id}")
    soup = BeautifulSoup(await page.text(), "html.parser")
    name, body = soup.select_one("#f-name"), soup.select_one("#f-body")
    assert name is not None
    assert name.get("value") == "Card payments are failing"
    assert body is not None
    assert body.get_text() == "We are **investigating** failed card payments."
    api = soup.select_one("#f-components\\.api option[selected]")
    assert api is not None
    assert api.get("value") == "major_outage"
    assert await list_incidents(db, IncidentFilter(include_drafts=True)) == []


async def test_the_new_incident_form_offers_every_template(admin: Client) -> None:
    template_id = await add_template(admin)
    soup = BeautifulSoup(await (await admin.get("/admin/incidents/new")).text(), "html.parser")
    links = [a.get("href") for a in soup.select(".template-picker a")]
    assert links == [f"/admin/incidents/new?template={template_id}"]


async def test_an_unknown_template_leaves_the_form_empty(admin: Client) -> None:
    response = await admin.get("/admin/incidents/new?template=999")
    assert response.status == 200
    soup = BeautifulSoup(await response.text(), "html.parser")
    name = soup.select_one("#f-name")
    assert name is not None
    assert name.get("value") == ""


async def test_a_template_is_edited_and_the_audit_log_shows_the_change(admin: Client) -> None:
    template_id = await add_template(admin)
    form = template_form(title="Wallet payments are failing")
    response = await post_form(admin, f"/admin/templates/{template_id}", form)
    assert response.status == 303
    soup = BeautifulSoup(await (await admin.get("/admin/audit")).text(), "html.parser")
    lines = [
        li.get_text(" ", strip=True) for li in soup.select("table.audit tbody tr")[0].select("li")
    ]
    assert lines == ["title : Card payments are failing → changed to Wallet payments are failing"]


async def test_a_template_is_deleted(admin: Client) -> None:
    template_id = await add_template(admin)
    response = await post_form(admin, f"/admin/templates/{template_id}/delete", {})
    assert response.status == 303
    assert "Payments down" not in await (await admin.get("/admin/templates")).text()
    missing = await admin.get(f"/admin/templates/{template_id}")
    assert missing.status == 404


async def test_a_blank_name_is_refused_with_its_label_and_everything_kept(admin: Client) -> None:
    form = template_form(template_name=" \u200b ", body="<script>alert(1)</script>")
    response = await post_form(admin, "/admin/templates", form)
    assert response.status == 400
    html = await response.text()
    assert "<script>alert(1)</script>" not in html
    soup = BeautifulSoup(html, "html.parser")
    problems = soup.select_one(".problems")
    assert problems is not None
    assert "Template name: a name is required" in problems.get_text()
    body = soup.select_one("#f-body")
    assert body is not None
    assert body.get_text() == "<script>alert(1)</script>"


async def test_two_templates_cannot_share_a_name(admin: Client) -> None:
    await add_template(admin)
    response = await post_form(admin, "/admin/templates", template_form())
    assert response.status == 400
    assert "another template has this name" in await response.text()


async def test_a_status_that_does_not_affect_is_refused_by_the_component_name(
    admin: Client,
) -> None:
    response = await post_form(
        admin, "/admin/templates", template_form(**{"component.api": "nope"})
    )
    assert response.status == 400
    problems = BeautifulSoup(await response.text(), "html.parser").select_one(".problems")
    assert problems is not None
    assert problems.get_text(" ", strip=True).startswith("This was not saved API : choose")


async def test_the_write_api_keeps_templates_as_the_pages_do(client: Client, db: Database) -> None:
    headers = {"Authorization": f"Bearer {await add_test_token(db)}"}
    body = {"name": "Outage", "title": "API down", "components": {"api": "major_outage"}}
    created = await client.post("/api/admin/templates", json=body, headers=headers)
    assert created.status == 201, await created.text()
    template_id = (await created.json())["id"]
    replaced = await client.put(
        f"/api/admin/templates/{template_id}", json=body | {"title": "API slow"}, headers=headers
    )
    assert (await replaced.json())["title"] == "API slow"
    listed = await (await client.get("/api/admin/templates", headers=headers)).json()
    assert [t["name"] for t in listed["templates"]] == ["Outage"]
    gone = await client.delete(f"/api/admin/templates/{template_id}", headers=headers)
    assert gone.status == 204
    again = await client.delete(f"/api/admin/templates/{template_id}", headers=headers)
    assert again.status == 404


async def test_the_write_api_names_the_refused_field(client: Client, db: Database) -> None:
    headers = {"Authorization": f"Bearer {await add_test_token(db)}"}
    blank = {"name": " ", "title": "API down"}
    refused = await client.post("/api/admin/templates", json=blank, headers=headers)
    assert refused.status == 400
    assert (await refused.json())["error"]["field"] == "name"
    healthy = {"name": "x", "title": "y", "components": {"api": "operational"}}
    refused = await client.post("/api/admin/templates", json=healthy, headers=headers)
    assert (await refused.json())["error"]["field"] == "components.api"


async def test_a_template_fills_an_open_incidents_update_form(admin: Client) -> None:
    incident_id = await open_incident(admin, **{"component.api": "partial_outage"})
    template_id = await add_template(admin, body="Still failing; next update in 30 min.")
    page = await admin.get(f"/admin/incidents/{incident_id}")
    soup = BeautifulSoup(await page.text(), "html.parser")
    links = [a.get("href") for a in soup.select(".template-picker a")]
    assert links == [f"/admin/incidents/{incident_id}?template={template_id}#update-heading"]
    filled = await admin.get(f"/admin/incidents/{incident_id}?template={template_id}")
    soup = BeautifulSoup(await filled.text(), "html.parser")
    body = soup.select_one("form[action$='/updates'] #f-body")
    assert body is not None
    assert body.get_text() == "Still failing; next update in 30 min."
    api = soup.select_one("#f-components\\.api option[selected]")
    was = soup.select_one("input[name='was.api']")
    assert api is not None
    assert was is not None
    assert (api.get("value"), was.get("value")) == ("major_outage", "partial_outage")
