"""Public addresses that pages, feeds and the API all hand out."""

from __future__ import annotations


def incident_permalink(site_url: str, incident_id: int) -> str:
    """The incident's page: the feeds' ids and the API's `shortlink`."""
    return f"{site_url}/incidents/{incident_id}"
