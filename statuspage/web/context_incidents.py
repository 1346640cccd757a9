"""Incidents and maintenance as pages show them: cards, updates, affected components.

Bodies are Markdown rendered by `statuspage.presentation.markdown` (escaped, then sanitised);
names are cleaned of control characters and escaped by the template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from statuspage.presentation.display import (
    StatusBadge,
    TimeText,
    clean_text,
    impact_label,
    incident_status_label,
    status_badge,
    time_text,
)
from statuspage.presentation.markdown import render_markdown
from storage.incidents.reads import IncidentView, UpdateView
from storage.vocabulary import FINISHED


@dataclass(frozen=True, slots=True)
class AffectedChange:
    """A component status change that an update announced."""

    name: str
    old: StatusBadge | None  # None: the update did not say
    new: StatusBadge


@dataclass(frozen=True, slots=True)
class UpdateEntry:
    id: int
    anchor: str  # fragment id on the incident page: "update-<id>"
    status: str  # incident status the update set (investigating, ..., completed)
    status_label: str  # e.g. "Investigating", "In progress"
    at: TimeText  # when it is shown as posted (display_at)
    body: Markup  # rendered, sanitised Markdown
    affected: tuple[AffectedChange, ...]


@dataclass(frozen=True, slots=True)
class IncidentCard:
    """An incident or maintenance in a list, with its newest update."""

    id: int
    url: str  # /incidents/<id>
    name: str
    is_maintenance: bool
    status: str  # incident status key; "finished" styling for resolved/postmortem/completed
    status_label: str
    finished: bool
    impact: str  # none | minor | major | critical | maintenance
    impact_label: str
    started: TimeText
    resolved: TimeText | None  # resolved or completed; None while open
    window_start: TimeText | None  # maintenance: scheduled_for
    window_end: TimeText | None  # maintenance: scheduled_until
    components: tuple[str, ...]  # names of the affected components
    latest: UpdateEntry | None  # newest update


def component_name(component_id: str, names: Mapping[str, str]) -> str:
    return clean_text(names.get(component_id, component_id))


def affected_change(change: Mapping[str, str], names: Mapping[str, str]) -> AffectedChange:
    """One `affected_components` entry; the configured name wins over the stored one."""
    code = change.get("code") or ""
    name = names.get(code) or change.get("name") or code or "Component"
    old = change.get("old_status")
    return AffectedChange(
        name=clean_text(name),
        old=status_badge(old) if old else None,
        new=status_badge(change.get("new_status")),
    )


def update_entry(update: UpdateView, names: Mapping[str, str], tz: ZoneInfo) -> UpdateEntry:
    affected = tuple(affected_change(c, names) for c in update.affected_components or ())
    return UpdateEntry(
        id=update.id,
        anchor=f"update-{update.id}",
        status=update.status,
        status_label=incident_status_label(update.status),
        at=time_text(update.display_at, tz),
        body=render_markdown(update.body),
        affected=affected,
    )


def incident_card(incident: IncidentView, names: Mapping[str, str], tz: ZoneInfo) -> IncidentCard:
    latest = incident.latest_update
    return IncidentCard(
        id=incident.id,
        url=f"/incidents/{incident.id}",
        name=clean_text(incident.name),
        is_maintenance=incident.is_maintenance,
        status=incident.status,
        status_label=incident_status_label(incident.status),
        finished=incident.status in FINISHED,
        impact=incident.impact,
        impact_label=impact_label(incident.impact),
        started=time_text(incident.started_at, tz),
        resolved=None if incident.resolved_at is None else time_text(incident.resolved_at, tz),
        window_start=_maybe_time(incident.scheduled_for, tz),
        window_end=_maybe_time(incident.scheduled_until, tz),
        components=tuple(component_name(cid, names) for cid in sorted(incident.components)),
        latest=None if latest is None else update_entry(latest, names, tz),
    )


def _maybe_time(at: datetime | None, tz: ZoneInfo) -> TimeText | None:
    return None if at is None else time_text(at, tz)
