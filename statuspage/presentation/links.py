"""Addresses that pages, feeds, the API and notifications all hand out."""

from __future__ import annotations


def incident_permalink(site_url: str, incident_id: int) -> str:
    """The incident's page: the feeds' ids and the API's `shortlink`."""
    return f"{site_url}/incidents/{incident_id}"


ADMIN_ALERTS = "/admin/alerts"


def alert_group_anchor(group_id: int) -> str:
    """The id of an alert group's heading on the admin alerts page, while it is open
    or recovered with a resolving update to post."""
    return f"group-{group_id}"


def alert_group_path(group_id: int) -> str:
    """Where a notification about a group points: the admin alerts page at the group."""
    return f"{ADMIN_ALERTS}#{alert_group_anchor(group_id)}"
