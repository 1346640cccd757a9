"""The links a subscriber's message carries, signed with the site's secret
(`rules/subscriber_links.py`): confirm (expires), unsubscribe (never expires), and
the incident's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from statuspage.presentation.links import incident_permalink
from statuspage.rules.subscriber_links import CONFIRM, UNSUBSCRIBE, LinkClaims, sign


@dataclass(frozen=True, slots=True)
class Links:
    secret: bytes
    site_url: str  # no trailing slash
    confirmation_valid_for: timedelta

    def confirm(
        self,
        subscriber_id: int,
        address: str,
        components: Sequence[str] | None,
        requested: datetime,
    ) -> str:
        chosen = None if components is None else tuple(components)
        expires = requested + self.confirmation_valid_for
        claims = LinkClaims(subscriber_id, CONFIRM, address, chosen, expires)
        return f"{self.site_url}/subscribe/confirm?token={quote(sign(self.secret, claims))}"

    def unsubscribe(self, subscriber_id: int, address: str) -> str:
        claims = LinkClaims(subscriber_id, UNSUBSCRIBE, address)
        return f"{self.site_url}/subscribe/unsubscribe?token={quote(sign(self.secret, claims))}"

    def incident(self, incident_id: object) -> str | None:
        return (
            incident_permalink(self.site_url, incident_id) if isinstance(incident_id, int) else None
        )
