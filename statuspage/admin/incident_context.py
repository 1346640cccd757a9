"""Contexts of the incident pages: the create form and the incident page with its forms.

Every form context carries `values` (what was typed, to show again), `errors`
(field -> message) and, where there is a message, `preview` (the sanitised
Markdown, exactly as the public page will render it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup

from statuspage.admin.forms import (
    COMPONENT_STATUSES,
    IMPACT_CHOICES,
    INCIDENT_UPDATE_STATUSES,
    MAINTENANCE_UPDATE_STATUSES,
    SEVERITIES,
    field_label,
)
from statuspage.admin.pages import Chrome
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
from statuspage.rules.response_times import target_text
from storage.components import list_components
from storage.database import Database
from storage.incidents.reads import IncidentView, UpdateView
from storage.status import current_statuses
from storage.vocabulary import FINISHED, ComponentStatus, IncidentKind, Severity

_SEVERITY_NAMES = {
    Severity.P0: "critical",
    Severity.P1: "high",
    Severity.P2: "medium",
    Severity.P3: "low",
}
_COMPONENT_LABELS: dict[str, str] = {status: status.label for status in ComponentStatus}


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


SEVERITY_CHOICES = tuple(
    Choice(s, f"{s} {_SEVERITY_NAMES[s]}: update every {target_text(s)}") for s in SEVERITIES
)
IMPACT_OPTIONS = tuple(
    Choice(i, "Derived from the components" if i == "auto" else impact_label(i))
    for i in IMPACT_CHOICES
)
COMPONENT_CHOICES = tuple(Choice(s, _COMPONENT_LABELS[s]) for s in COMPONENT_STATUSES)


def status_choices(statuses: tuple[str, ...]) -> tuple[Choice, ...]:
    return tuple(Choice(s, incident_status_label(s)) for s in statuses)


@dataclass(frozen=True, slots=True)
class ComponentField:
    """One component in a form: its status now and the value the select shows."""

    id: str
    name: str
    group: str | None
    current: StatusBadge
    selected: str  # "" = not affected / unchanged
    was: str  # what the form first showed: only a change from it counts


@dataclass(frozen=True, slots=True)
class Form:
    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)  # field -> message
    preview: Markup | None = None
    components: tuple[ComponentField, ...] = ()

    def label(self, name: str) -> str:
        """What this form calls the field `name`: its label, or a component's name."""
        return field_label(name, {c.id: c.name for c in self.components})


@dataclass(frozen=True, slots=True)
class NewIncidentPage:
    """Context of admin/incident_new.html."""

    chrome: Chrome
    form: Form
    time_zone: str
    severities: tuple[Choice, ...] = SEVERITY_CHOICES
    impacts: tuple[Choice, ...] = IMPACT_OPTIONS
    first_statuses: tuple[Choice, ...] = status_choices(INCIDENT_UPDATE_STATUSES[:3])
    component_statuses: tuple[Choice, ...] = COMPONENT_CHOICES[1:]
    templates: tuple[Choice, ...] = ()  # value: the template's id, label: its name


@dataclass(frozen=True, slots=True)
class ComponentNow:
    """A component as stored, and its status at the moment it was loaded."""

    id: str
    name: str
    group: str | None
    status: str | None  # None: nothing recorded yet


async def load_components_now(db: Database) -> tuple[ComponentNow, ...]:
    statuses = await current_statuses(db)
    return tuple(
        ComponentNow(c.id, c.name, c.group_name, statuses.get(c.id))
        for c in await list_components(db)
    )


async def load_component_ids(db: Database) -> list[str]:
    """Every component's id, in display order: what a posted form may name."""
    return [c.id for c in await list_components(db)]


def component_fields(
    components: Sequence[ComponentNow],
    selected: Mapping[str, str],
    was: Mapping[str, str] | None = None,
) -> tuple[ComponentField, ...]:
    """One status field per component: `selected` is what the form shows, `was` what
    it showed before the operator changed it (default: the same)."""
    baseline = selected if was is None else was
    return tuple(
        ComponentField(
            id=c.id,
            name=clean_text(c.name),
            group=c.group,
            current=status_badge(c.status),
            selected=selected.get(c.id, ""),
            was=baseline.get(c.id, ""),
        )
        for c in components
    )


def preview(body: str) -> Markup:
    return render_markdown(body)


@dataclass(frozen=True, slots=True)
class UpdateRow:
    id: int
    status: str  # key
    status_label: str
    body: Markup  # sanitised, as the public page shows it
    source: str  # the Markdown as written
    shown_at: TimeText
    author: str | None
    edited: bool
    changes: tuple[str, ...]  # e.g. "API: Operational → Major Outage"


@dataclass(frozen=True, slots=True)
class IncidentHeader:
    id: int
    kind: str
    name: str
    status: str  # key
    status_label: str
    severity: str | None
    impact: str  # key
    impact_label: str
    impact_override: bool
    draft: bool
    started: TimeText
    resolved: TimeText | None
    scheduled_for: TimeText | None
    scheduled_until: TimeText | None
    public_url: str
    postmortem_published: TimeText | None

    @property
    def is_maintenance(self) -> bool:
        return self.kind == IncidentKind.MAINTENANCE

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


@dataclass(frozen=True, slots=True)
class IncidentPage:
    """Context of admin/incident.html: an incident and every form that acts on it."""

    chrome: Chrome
    incident: IncidentHeader
    updates: tuple[UpdateRow, ...]  # newest first
    update_form: Form
    edit_form: Form
    postmortem_form: Form  # under "postmortem_body", storage's name for it (it posts "body")
    delete_error: str | None
    time_zone: str
    update_statuses: tuple[Choice, ...]
    component_statuses: tuple[Choice, ...] = COMPONENT_CHOICES
    templates: tuple[Choice, ...] = ()  # to fill the update form from: id, name
    severities: tuple[Choice, ...] = SEVERITY_CHOICES
    impacts: tuple[Choice, ...] = IMPACT_OPTIONS


def maybe_time(at: datetime | None, tz: ZoneInfo) -> TimeText | None:
    return None if at is None else time_text(at, tz)


def incident_header(incident: IncidentView, tz: ZoneInfo, site_url: str) -> IncidentHeader:
    return IncidentHeader(
        id=incident.id,
        kind=incident.kind,
        name=clean_text(incident.name),
        status=incident.status,
        status_label=incident_status_label(incident.status),
        severity=incident.severity,
        impact=incident.impact,
        impact_label=impact_label(incident.impact),
        impact_override=incident.impact_override,
        draft=incident.draft,
        started=time_text(incident.started_at, tz),
        resolved=maybe_time(incident.resolved_at, tz),
        scheduled_for=maybe_time(incident.scheduled_for, tz),
        scheduled_until=maybe_time(incident.scheduled_until, tz),
        public_url=f"{site_url}/incidents/{incident.id}",
        postmortem_published=maybe_time(incident.postmortem_published_at, tz),
    )


def update_row(update: UpdateView, tz: ZoneInfo) -> UpdateRow:
    changes = tuple(
        f"{clean_text(c.get('name', ''))}: {_label(c.get('old_status'))} → "
        f"{_label(c.get('new_status'))}"
        for c in update.affected_components or ()
    )
    return UpdateRow(
        id=update.id,
        status=update.status,
        status_label=incident_status_label(update.status),
        body=render_markdown(update.body),
        source=update.body,
        shown_at=time_text(update.display_at, tz),
        author=update.author,
        edited=update.updated_at > update.created_at,
        changes=changes,
    )


def _label(status: str | None) -> str:
    return _COMPONENT_LABELS.get(status or "", "Unknown")


def update_statuses_for(incident: IncidentView) -> tuple[Choice, ...]:
    if incident.is_maintenance:
        return status_choices(MAINTENANCE_UPDATE_STATUSES)
    return status_choices(INCIDENT_UPDATE_STATUSES)
