"""The pages the browser tests visit: every admin page, with the data they need."""

from __future__ import annotations

from tests.browser.live_site import LiveSite
from tests.browser.site_data import add_incident

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


def admin_pages(site: LiveSite) -> list[str]:
    """Every admin page, an incident's and an update's edit form included."""
    incident_id = add_incident(site)
    detail = f"/admin/incidents/{incident_id}"
    return [*ADMIN_PAGES, detail]
