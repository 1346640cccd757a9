"""The pages the browser tests visit: every admin page, with the data they need."""

from __future__ import annotations

from datetime import timedelta

from probes.clock import system_clock
from storage.incidents.rules import NewIncident, NewUpdate
from storage.incidents.writes import create_incident, post_update
from tests.browser.live_site import LiveSite

ADMIN_PAGES = [
    "/admin",
    "/admin/incidents",
    "/admin/incidents/new",
    "/admin/maintenances/new",
    "/admin/alerts",
    "/admin/notifications",
    "/admin/tokens",
    "/admin/components",
    "/admin/audit",
    "/admin/password",
]


def add_incident(site: LiveSite, name: str = "Checkout is failing") -> int:
    """A published incident on the API, with one update after its first."""
    now = system_clock()
    new = NewIncident(
        name=name,
        status="investigating",
        body="We are **investigating** failed payments:\n\n- cards\n- wallets",
        components={"api": "major_outage"},
    )
    incident_id = site.call(lambda: create_incident(site.db, new, now=now - timedelta(hours=1)))
    update = NewUpdate("identified", "A bad deploy; rolling back.", {"api": "partial_outage"})
    site.call(lambda: post_update(site.db, incident_id, update, now=now - timedelta(minutes=30)))
    return incident_id


def admin_pages(site: LiveSite) -> list[str]:
    """Every admin page, an incident's and an update's edit form included."""
    incident_id = add_incident(site)
    detail = f"/admin/incidents/{incident_id}"
    return [*ADMIN_PAGES, detail]
