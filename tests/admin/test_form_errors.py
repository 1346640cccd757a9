"""Refused forms name fields as the form labels them, come back with 400 and what was
typed, and a message of only spaces (of any kind) is no message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from storage.database import Database
from storage.incidents.reads import get_incident
from tests.admin.helpers import incident_form, open_incident, post_form
from tests.app_client import Client

ROOT = Path(__file__).resolve().parents[2]
INTERNAL_NAMES = ("body", "scheduled_for", "scheduled_until", "started_at", "postmortem_body")
BLANKS = [" ", "\t\n  \n", "\u00a0\u3000\u2003", "\u200b\ufeff\u200d"]


def problems_listed(html: str) -> list[str]:
    """The lines of the "This was not saved" list above the refused form."""
    soup = BeautifulSoup(html, "html.parser")
    return [" ".join(li.get_text().split()) for li in soup.select(".problems li")]


def no_internal_names(problems: list[str]) -> bool:
    return not any(re.search(rf"\b{name}\b", p) for p in problems for name in INTERNAL_NAMES)


def textarea(html: str, element_id: str) -> str:
    found = BeautifulSoup(html, "html.parser").select_one(f"textarea#{element_id}")
    assert found is not None, element_id
    return found.get_text()


async def update_count(db: Database, incident_id: int) -> int:
    incident = await get_incident(db, incident_id, include_drafts=True)
    assert incident is not None
    return len(incident.updates)


def test_every_field_storage_can_refuse_has_a_label() -> None:
    from statuspage.admin.forms import FIELD_LABELS

    sources = "".join(p.read_text("utf-8") for p in (ROOT / "storage").rglob("*.py"))
    refused = set(re.findall(r'IncidentError\(\s*"([a-z_]+)"', sources))
    assert {"name", "body", "scheduled_until", "postmortem_body"} <= refused
    assert refused <= set(FIELD_LABELS)


async def test_a_blank_first_message_is_refused_under_its_label(admin: Client) -> None:
    response = await post_form(admin, "/admin/incidents", incident_form(body="  \n "))
    assert response.status == 400
    html = await response.text()
    assert problems_listed(html) == ["Message: the first update needs a message"]
    assert 'value="Checkout is failing"' in html


@pytest.mark.parametrize("blank", BLANKS)
async def test_an_update_of_only_spaces_is_refused_with_the_forms_error(
    admin: Client, db: Database, blank: str
) -> None:
    incident_id = await open_incident(admin)
    form = {"status": "identified", "body": blank, "was.api": "major_outage"}
    response = await post_form(admin, f"/admin/incidents/{incident_id}/updates", form)
    assert response.status == 400
    html = await response.text()
    assert problems_listed(html) == ["Message: an update needs a message"]
    assert textarea(html, "f-body") == blank.replace("\r\n", "\n")
    assert await update_count(db, incident_id) == 1


async def test_an_edit_to_only_spaces_is_refused_under_its_label(
    admin: Client, db: Database
) -> None:
    incident_id = await open_incident(admin)
    incident = await get_incident(db, incident_id)
    assert incident is not None
    path = f"/admin/incidents/{incident_id}/updates/{incident.updates[0].id}/edit"
    response = await post_form(admin, path, {"body": "\u00a0 \u200b", "status": "investigating"})
    assert response.status == 400
    html = await response.text()
    assert problems_listed(html) == ["Message: an update needs a message"]
    assert textarea(html, "f-body") == "\u00a0 \u200b"


async def test_a_backwards_window_names_its_end_as_the_form_does(admin: Client) -> None:
    form = {
        "name": "Backwards",
        "scheduled_for": "2026-03-03T22:00",
        "scheduled_until": "2026-03-03T21:00",
    }
    response = await post_form(admin, "/admin/maintenances", form)
    assert response.status == 400
    html = await response.text()
    assert problems_listed(html) == ["Ends: must be after the start"]
    assert no_internal_names(problems_listed(html))
    assert 'value="2026-03-03T21:00"' in html


async def test_moving_a_window_backwards_names_its_end_as_the_form_does(admin: Client) -> None:
    window = {"name": "Upgrade", "scheduled_for": "2026-03-03T22:00"}
    created = await post_form(
        admin, "/admin/maintenances", window | {"scheduled_until": "2026-03-03T23:00"}
    )
    assert created.status == 303
    path = created.headers["Location"].split("?")[0] + "/edit"
    moved = {"name": "Upgrade", "scheduled_for": "2026-03-04T01:00", "scheduled_until": ""}
    response = await post_form(admin, path, moved)
    assert response.status == 400
    html = await response.text()
    assert problems_listed(html) == ["Ends: must be after the start"]
    assert 'value="2026-03-04T01:00"' in html


async def test_a_bad_start_time_is_named_as_the_form_labels_it(admin: Client) -> None:
    form = incident_form(started_at="yesterday at noon")
    response = await post_form(admin, "/admin/incidents", form)
    assert response.status == 400
    html = await response.text()
    assert problems_listed(html) == ["Started at: expected a date and time like 2026-03-02T14:30"]
    assert 'value="yesterday at noon"' in html


async def test_a_bad_component_status_is_named_by_the_component(admin: Client) -> None:
    incident_id = await open_incident(admin)
    form = {"status": "identified", "body": "Found it.", "component.web": "on_fire"}
    response = await post_form(admin, f"/admin/incidents/{incident_id}/updates", form)
    assert response.status == 400
    (problem,) = problems_listed(await response.text())
    assert problem.startswith("Website: choose a component status")


async def resolved_incident(admin: Client) -> int:
    incident_id = await open_incident(admin)
    form = {"status": "resolved", "body": "Fixed.", "was.api": "major_outage"}
    response = await post_form(admin, f"/admin/incidents/{incident_id}/updates", form)
    assert response.status == 303
    return incident_id


async def test_publishing_a_post_mortem_of_only_spaces_is_refused(admin: Client) -> None:
    incident_id = await resolved_incident(admin)
    path = f"/admin/incidents/{incident_id}/postmortem"
    response = await post_form(admin, path, {"body": "\u3000 ", "action": "publish"})
    assert response.status == 400
    html = await response.text()
    assert problems_listed(html) == ["Post-mortem: a published post-mortem needs text"]
    assert textarea(html, "f-postmortem_body") == "\u3000 "


async def test_a_published_post_mortem_cannot_be_emptied(admin: Client, db: Database) -> None:
    incident_id = await resolved_incident(admin)
    path = f"/admin/incidents/{incident_id}/postmortem"
    published = await post_form(
        admin, path, {"body": "Root cause: a bad deploy.", "action": "publish"}
    )
    assert published.status == 303
    response = await post_form(admin, path, {"body": " \u200b ", "action": "save"})
    assert response.status == 400
    incident = await get_incident(db, incident_id)
    assert incident is not None
    assert incident.postmortem_body == "Root cause: a bad deploy."
