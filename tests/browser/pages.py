"""The pages the browser tests visit: every public and admin page, with the data they
need (an open incident, a template)."""

from __future__ import annotations

import time
from typing import Any

from tests.browser.live_site import LiveSite
from tests.browser.site_data import add_incident, add_template, latest_update, subscriber_links

ADMIN_PAGES = [
    "/admin",
    "/admin/incidents",
    "/admin/incidents/new",
    "/admin/maintenances/new",
    "/admin/alerts",
    "/admin/notifications",
    "/admin/metrics",
    "/admin/subscribers",
    "/admin/workers",
    "/admin/templates",
    "/admin/templates/new",
    "/admin/components",
    "/admin/tokens",
    "/admin/audit",
    "/admin/password",
]
COMPONENTS = ("system", "database", "external", "status-updates")


def admin_pages(site: LiveSite) -> list[str]:
    """Every admin page, an incident's page, an update's and a template's included."""
    incident_id = add_incident(site)
    template_id = add_template(site)
    update_id = latest_update(site, incident_id)
    return [
        *ADMIN_PAGES,
        f"/admin/incidents/{incident_id}",
        f"/admin/incidents/{incident_id}/updates/{update_id}/edit",
        f"/admin/incidents/new?template={template_id}",
        f"/admin/templates/{template_id}",
    ]


def public_pages(site: LiveSite) -> list[str]:
    """Every public page: the front page, each component's, the history, an incident's,
    the subscribe page, the pages a subscriber's links open, and "not found"."""
    incident_id = add_incident(site)
    components = [f"/components/{c}" for c in COMPONENTS]
    confirm, unsubscribe = subscriber_links(site)
    return [
        "/",
        *components,
        "/history",
        f"/incidents/{incident_id}",
        "/subscribe",
        confirm,
        unsubscribe,
        "/no-such-page",
    ]


def reload_until(page: Any, selector: str, timeout_s: float = 30.0) -> None:
    """Reload until the page shows `selector`. Pages may be cached for 30 s, and a
    write made beside the server shows within about a second (the data stamp), or
    once a render slower than 2 s on a busy machine has finished behind the copy
    served meanwhile: a reload revalidates, and the next one gets the new page."""
    deadline = time.monotonic() + timeout_s
    while True:
        page.reload()
        if page.locator(selector).count() > 0:
            return
        assert time.monotonic() < deadline, f"{selector} never showed on {page.url}"
        page.wait_for_timeout(200)


def open_front_page(page: Any) -> None:
    """`/` with its bars. On a machine busy enough that the first read of the data
    stamp passes its 5 s, the first request is answered 503 (nothing rendered yet):
    load again until the page is there, as a reader would."""
    page.goto("/")
    if page.locator(".days").count() == 0:
        reload_until(page, ".days")
