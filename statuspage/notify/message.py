"""What a notification says, decided when it is queued, and the words every channel
shares: a title, a few lines, links.

The payload is plain JSON, stored in the outbox row: a channel renders it however
its receiver wants (Block Kit, a PagerDuty event, an email), and a retried or
re-sent message says exactly what was decided when it was queued. It holds no
secret. Its fields (also the generic webhook's body; docs/notifications.md):

    event, severity, title, lines, at, site, site_url, alerts_url,
    group_id, subject, component_id, component, opened_at, opened_text, acknowledged_by,
    reminder, alerts: [{rule, severity, fired_at, figures, text}],
    incident_id, incident_name, incident_url  (filled in when the message is sent)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from statuspage.presentation.alerts import figure_lines, subject_text
from statuspage.presentation.display import time_line
from statuspage.presentation.links import ADMIN_ALERTS, alert_group_path
from statuspage.rules.response_times import duration_text
from storage.notify.outbox import FiringAlert, GroupFacts
from storage.vocabulary import AlertSeverity, NotificationEvent

MAX_LINES = 20
_UTC = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Message:
    """One message as a channel gets it: the outbox row's payload and where it stands."""

    id: int | None  # None: not from the outbox (`statuspage notify test`)
    channel: str
    event: NotificationEvent
    severity: AlertSeverity | None
    group_id: int | None
    payload: Mapping[str, Any]
    attempt: int = 1

    @property
    def title(self) -> str:
        return str(self.payload.get("title") or "Notification")

    @property
    def lines(self) -> list[str]:
        found = self.payload.get("lines")
        return [str(line) for line in found[:MAX_LINES]] if isinstance(found, list) else []

    def text(self, key: str) -> str | None:
        value = self.payload.get(key)
        return None if value is None else str(value)

    def links(self) -> list[tuple[str, str]]:
        """(label, URL) pairs: the incident (if any) and the admin alerts page, at the
        group's heading for a message about a group."""
        found = []
        if url := self.text("incident_url"):
            found.append((f"Incident #{self.payload.get('incident_id')}", url))
        if url := self.text("alerts_url"):
            found.append(("Alerts", url))
        return found

    def with_payload(self, **more: Any) -> Message:
        return Message(
            self.id,
            self.channel,
            self.event,
            self.severity,
            self.group_id,
            {**self.payload, **more},
            self.attempt,
        )


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    url: str  # no trailing slash
    time_zone: ZoneInfo = _UTC  # `[site] time_zone`: how times read for people

    @property
    def alerts_url(self) -> str:
        return f"{self.url}{ADMIN_ALERTS}"

    def group_url(self, group_id: int) -> str:
        return f"{self.url}{alert_group_path(group_id)}"

    def incident_url(self, incident_id: int) -> str:
        return f"{self.url}/admin/incidents/{incident_id}"


def subject_name(subject: str, component_id: str | None, component_name: str | None) -> str:
    """ "API", "The whole site", "Client address 203.0.113.9", "Incident 42", as the
    admin area names them."""
    names = {component_id: component_name} if component_id and component_name else {}
    return subject_text(subject, names)


def alert_text(alert: FiringAlert) -> str:
    """ "error-rate-critical: error rate: 7.5 %, failures: 3, results: 40", the
    figures as the admin area's Alerts page reads them."""
    figures = ", ".join(figure_lines({k: v for k, v in alert.figures.items() if k != "reason"}))
    return f"{alert.rule}: {figures}" if figures else alert.rule


def group_payload(
    group: GroupFacts,
    event: NotificationEvent,
    severity: AlertSeverity,
    alerts: Sequence[FiringAlert],
    *,
    component_name: str | None,
    site: Site,
    now: datetime,
    reminder: int = 0,
) -> dict[str, Any]:
    """The payload of a message about an alert group; `alerts` are the firing alerts
    routed to the channel (none when it hears that they resolved)."""
    name = subject_name(group.subject, group.component_id, component_name)
    payload: dict[str, Any] = {
        "event": event.value,
        "severity": severity.value,
        "title": _title(event, severity, name, group, alerts),
        "lines": _lines(event, severity, group, alerts, now),
        "at": _iso(now),
        "site": site.name,
        "site_url": site.url,
        "alerts_url": site.group_url(group.id),
        "group_id": group.id,
        "subject": group.subject,
        "component_id": group.component_id,
        "component": component_name,
        "opened_at": _iso(group.opened_at),
        "opened_text": time_line(group.opened_at, site.time_zone),
        "acknowledged_by": group.acknowledged_by,
        "reminder": reminder,
        "alerts": [_alert(a) for a in alerts],
        "incident_id": group.incident_id,
    }
    if group.incident_id is not None:
        payload["incident_url"] = site.incident_url(group.incident_id)
    return payload


def testing_payload(site: Site, channel: str, now: datetime) -> dict[str, Any]:
    return {
        "event": NotificationEvent.TEST.value,
        "severity": None,
        "title": f"Test message from {site.name}",
        "lines": [f"The channel {channel!r} works: {site.name} can reach it."],
        "at": _iso(now),
        "site": site.name,
        "site_url": site.url,
        "alerts_url": site.alerts_url,
        "alerts": [],
    }


def _title(
    event: NotificationEvent,
    severity: AlertSeverity,
    name: str,
    group: GroupFacts,
    alerts: Sequence[FiringAlert],
) -> str:
    rules = ", ".join(dict.fromkeys(a.rule for a in alerts))
    what = f"{name}: {rules}" if rules else name
    word = severity.value.capitalize()
    if event is NotificationEvent.FIRING:
        return f"{word}: {what}"
    if event is NotificationEvent.RAISED:
        return f"Raised to {severity.value}: {what}"
    if event is NotificationEvent.REMINDER:
        return f"{word}, not acknowledged yet: {what}"
    if event is NotificationEvent.ACKNOWLEDGED:
        return f"Acknowledged by {group.acknowledged_by or 'someone'}: {name}"
    return f"Resolved: {name}"


def _lines(
    event: NotificationEvent,
    severity: AlertSeverity,
    group: GroupFacts,
    alerts: Sequence[FiringAlert],
    now: datetime,
) -> list[str]:
    if event is NotificationEvent.RESOLVED:
        if group.resolved_at is not None:
            return [f"Every alert resolved; it lasted {duration_text(now - group.opened_at)}."]
        return [f"No {severity.value} alert is firing any more; others are still open."]
    if event is NotificationEvent.ACKNOWLEDGED:
        return [f"{group.acknowledged_by or 'Someone'} is on it."]
    lines = [alert_text(a) for a in alerts]
    if event is NotificationEvent.REMINDER:
        lines.append(f"Firing for {duration_text(now - group.opened_at)} and not acknowledged.")
    return lines[:MAX_LINES]


def _alert(alert: FiringAlert) -> dict[str, Any]:
    return {
        "rule": alert.rule,
        "severity": alert.severity.value,
        "fired_at": None if alert.fired_at is None else _iso(alert.fired_at),
        "figures": dict(alert.figures),
        "text": alert_text(alert),
    }


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")
