"""What a critical alert group does to incidents: it opens one (a draft by default),
and its recovery proposes or posts the resolving update. Recovery is the end of the
critical episode: the group resolving, or its critical alerts ending while lesser
ones hold it open. Critical alerts coming back start a new episode in the group,
which opens a new incident (storage unlinks the old one then).

The words are for customers: what is affected and what was measured, no rule names.
The automation writes as `AUTOMATION` and steps back as soon as a person acts: it
never posts over an incident someone has acknowledged, updated or published.
"""

from __future__ import annotations

import logging
from datetime import datetime

from probes.clock import Clock
from statuspage.rules.response_times import duration_text
from statuspage.service.settings_holder import SettingsHolder
from storage.alerts.reads import AlertView, get_group
from storage.alerts.writes import GroupChange, GroupEvent, link_incident, propose_update
from storage.database import Database
from storage.incidents.reads import get_incident
from storage.incidents.rules import NewIncident, NewUpdate
from storage.incidents.writes import AUTOMATION, create_incident, post_update
from storage.vocabulary import AlertSeverity, ComponentStatus, IncidentStatus, Severity

log = logging.getLogger("statuspage.alerting")

# The status an alert of each kind gives its component in the incident it opens.
_STATUS_FOR_KIND = {
    "outage": ComponentStatus.MAJOR_OUTAGE,
    "error_rate": ComponentStatus.PARTIAL_OUTAGE,
    "burn_rate": ComponentStatus.PARTIAL_OUTAGE,
}
_WHAT_FOR_KIND = {
    "outage": "is unavailable",
    "error_rate": "is failing for some requests",
    "burn_rate": "is failing for some requests",
}
_SLOW = ("is responding slowly", ComponentStatus.DEGRADED_PERFORMANCE)


class IncidentAutomation:
    def __init__(self, db: Database, settings: SettingsHolder, *, clock: Clock) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock

    async def __call__(self, event: GroupEvent) -> None:
        if event.component_id is None:
            return
        if event.change in (GroupChange.FIRING, GroupChange.RAISED):
            if event.severity is AlertSeverity.CRITICAL and event.incident_id is None:
                await self._open(event)
        elif _critical_ended(event) and event.incident_id is not None:
            await self._recover(event, event.incident_id)

    def _mode(self, component_id: str) -> str:
        settings = self._settings.current
        ids = {c.id: c.name for c in settings.components}
        for own in settings.file.components:
            if ids.get(component_id) == own.name and own.alert_incidents is not None:
                return own.alert_incidents
        return settings.file.alerting.incidents

    def _component(self, component_id: str) -> tuple[str, str]:
        """(name, P0-P3 severity) from the configuration."""
        settings = self._settings.current
        name = next((c.name for c in settings.components if c.id == component_id), component_id)
        own = next((c for c in settings.file.components if c.name == name), None)
        return name, (own.severity if own is not None else Severity.P1)

    async def _open(self, event: GroupEvent) -> None:
        assert event.component_id is not None
        mode = self._mode(event.component_id)
        if mode == "off":
            return
        group = await get_group(self._db, event.group_id)
        # This episode's: critical alerts of an earlier one in the group have resolved.
        critical = [
            a
            for a in group.alerts
            if a.severity is AlertSeverity.CRITICAL and a.fired_at and a.resolved_at is None
        ]
        name, severity = self._component(event.component_id)
        what, status = _describe(critical)
        incident_id = await create_incident(
            self._db,
            NewIncident(
                name=f"{name} {what}",
                status=IncidentStatus.INVESTIGATING,
                body=_first_update(name, what, critical),
                severity=severity,
                components={event.component_id: status},
                draft=mode == "draft",
                author=AUTOMATION,
            ),
            now=self._clock(),
            actor=AUTOMATION,
        )
        await link_incident(self._db, event.group_id, incident_id)
        log.info(
            "alert opened an incident",
            extra={"fields": {"incident": incident_id, "group": event.group_id, "draft": mode}},
        )

    async def _recover(self, event: GroupEvent, incident_id: int) -> None:
        now = self._clock()
        incident = await get_incident(self._db, incident_id, include_drafts=True)
        if incident is None:
            return  # deleted by an operator
        name, _ = self._component(event.component_id or "")
        text = _recovery_update(name, event.opened_at, now)
        untouched = incident.acknowledged_at is None and incident.resolved_at is None
        if self._settings.current.file.alerting.post_recovery_update and untouched:
            await post_update(
                self._db,
                incident_id,
                NewUpdate(IncidentStatus.RESOLVED, text, None, AUTOMATION),
                now=now,
                actor=AUTOMATION,
            )
            return
        if incident.resolved_at is None:
            await propose_update(self._db, event.group_id, text)


def _critical_ended(event: GroupEvent) -> bool:
    if event.change is GroupChange.RESOLVED:
        return True
    return event.change is GroupChange.LOWERED and event.before is AlertSeverity.CRITICAL


def _describe(alerts: list[AlertView]) -> tuple[str, ComponentStatus]:
    """What customers are told, and the component's status, from the worst kind of
    alert that fired (told apart by the figures each kind records)."""
    for kind, marker in (
        ("outage", "consecutive_failures"),
        ("error_rate", "error_rate_percent"),
        ("burn_rate", "burn_rate_long"),
    ):
        if any(marker in a.figures for a in alerts):
            return _WHAT_FOR_KIND[kind], _STATUS_FOR_KIND[kind]
    return _SLOW


def _first_update(name: str, what: str, alerts: list[AlertView]) -> str:
    lines = [f"We are investigating a problem: {name} {what}.", ""]
    measured = [_measured(a.figures) for a in alerts]
    measured = [m for m in measured if m]
    if measured:
        lines.append("What our monitoring measured:")
        lines += [f"- {m}" for m in measured]
        lines.append("")
    lines.append("We will post an update as soon as we know more.")
    return "\n".join(lines)


def _measured(figures: dict[str, object]) -> str:
    """One line a customer can read, from an alert's figures."""
    if "error_rate_percent" in figures:
        return (
            f"{figures['error_rate_percent']} % of checks failed "
            f"({figures.get('failures')} of {figures.get('results')})"
        )
    if "consecutive_failures" in figures:
        return f"{figures['consecutive_failures']} checks in a row failed"
    for key, label in (("p95_ms", "95th"), ("p99_ms", "99th")):
        if key in figures:
            return f"{label} percentile response time {figures[key]} ms"
    if "average_ms" in figures:
        return f"average response time {figures['average_ms']} ms"
    if "burn_rate_long" in figures:
        return f"{figures.get('failures')} of {figures.get('results')} checks failed recently"
    return ""


def _recovery_update(name: str, began: datetime, now: datetime) -> str:
    return (
        f"{name} has recovered and is working normally. "
        f"The problem lasted {duration_text(now - began)} "
        f"(from {began:%H:%M} to {now:%H:%M} UTC). We are sorry for the disruption."
    )
