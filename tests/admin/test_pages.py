"""Every admin page renders for a signed-in user, and its forms carry the CSRF token."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.admin.helpers import open_incident, post_form
from tests.app_client import Client

PAGES = [
    "/admin",
    "/admin/",
    "/admin/incidents",
    "/admin/incidents/new",
    "/admin/maintenances/new",
    "/admin/tokens",
    "/admin/audit",
    "/admin/password",
]


@pytest.mark.parametrize("path", PAGES)
async def test_each_admin_page_renders_and_every_form_has_the_token(
    admin: Client, path: str
) -> None:
    response = await admin.get(path)
    assert response.status == 200
    page = BeautifulSoup(await response.text(), "html.parser")
    for form in page.select("form"):
        assert form.get("method") == "post"
        assert form.select_one('input[name="csrf_token"]') is not None, form.get("action")


async def test_a_resolved_incident_page_offers_the_post_mortem(admin: Client) -> None:
    incident_id = await open_incident(admin)
    await post_form(
        admin, f"/admin/incidents/{incident_id}/updates", {"status": "resolved", "body": "Fixed."}
    )
    page = BeautifulSoup(
        await (await admin.get(f"/admin/incidents/{incident_id}")).text(), "html.parser"
    )
    assert page.select_one(f'form[action="/admin/incidents/{incident_id}/postmortem"]') is not None
    assert all(f.select_one('input[name="csrf_token"]') for f in page.select("form"))


async def test_a_maintenance_page_offers_maintenance_statuses_and_its_window(admin: Client) -> None:
    form = [
        ("name", "Upgrade"),
        ("scheduled_for", "2026-03-03T22:00"),
        ("scheduled_until", "2026-03-03T23:00"),
        ("components", "api"),
    ]
    response = await post_form(admin, "/admin/maintenances", form)
    page = BeautifulSoup(
        await (await admin.get(response.headers["Location"])).text(), "html.parser"
    )
    statuses = [o["value"] for o in page.select('select[name="status"] option')]
    assert statuses == ["scheduled", "in_progress", "verifying", "completed"]
    assert page.select_one('input[name="scheduled_for"]') is not None
    assert page.select_one('form[action$="/postmortem"]') is None
