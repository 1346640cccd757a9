"""What a notice to subscribers says, in words every subscriber channel shares: a
subject line and the facts of the incident or maintenance, read from the payload
the fan-out stored (`storage/subscribers/fanout.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from statuspage.presentation.display import impact_label, incident_status_label
from storage.vocabulary import IncidentKind, IncidentStatus, NotificationEvent


@dataclass(frozen=True, slots=True)
class Notice:
    event: NotificationEvent
    payload: Mapping[str, Any]

    @property
    def incident(self) -> Mapping[str, Any]:
        found = self.payload.get("incident")
        return found if isinstance(found, dict) else {}

    @property
    def update(self) -> Mapping[str, Any] | None:
        found = self.payload.get("update")
        return found if isinstance(found, dict) else None

    @property
    def maintenance(self) -> bool:
        return self.incident.get("kind") == IncidentKind.MAINTENANCE

    @property
    def name(self) -> str:
        return str(self.incident.get("name") or "")

    @property
    def status_label(self) -> str:
        update = self.update or self.incident
        return incident_status_label(str(update.get("status") or IncidentStatus.INVESTIGATING))

    @property
    def impact_text(self) -> str:
        return impact_label(str(self.incident.get("impact") or "none"))

    @property
    def body(self) -> str:
        """The update's Markdown source, or for a reminder a sentence of our own."""
        if self.update is not None:
            return str(self.update.get("body") or "")
        return f"This maintenance starts at {self.incident.get('scheduled_for')} (UTC)."

    @property
    def component_names(self) -> list[str]:
        found = self.payload.get("components")
        items = found if isinstance(found, list) else []
        return [str(c.get("name")) for c in items if isinstance(c, dict)]

    def subject(self) -> str:
        if self.event == NotificationEvent.UPCOMING:
            return f"Maintenance starts soon: {self.name}"
        kind = "Maintenance" if self.maintenance else "Incident"
        return f"{kind} {self.status_label.lower()}: {self.name}"

    def window(self) -> str | None:
        start, end = self.incident.get("scheduled_for"), self.incident.get("scheduled_until")
        if not self.maintenance or not start:
            return None
        return f"{start} to {end} (UTC)" if end else f"from {start} (UTC)"
