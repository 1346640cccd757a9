"""The alerts page's context: open groups worst first, recovered groups whose resolving
update waits for a person, and the resolved alerts, a page at a time.

Loaded plain (`AlertsData`), then assembled (`alerts_page`) without I/O, so tests
can check the assembly with data built inline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from statuspage.admin.pages import Chrome
from statuspage.presentation.alerts import (
    SEVERITY_LABELS,
    STATE_LABELS,
    figure_lines,
    subject_text,
)
from statuspage.presentation.display import TimeText, clean_text, time_text
from statuspage.presentation.links import alert_group_anchor
from statuspage.rules.response_times import duration_text
from storage.alerts.overview import LinkedIncident
from storage.alerts.reads import AlertView, GroupView

# The choices of the silence form, in minutes; the form accepts nothing else.
SILENCE_CHOICES = ((30, "30 min"), (60, "1 h"), (240, "4 h"), (1440, "24 h"))
RESOLVED_PAGE_SIZE = 25


@dataclass(frozen=True, slots=True)
class Label:
    key: str  # for the CSS class: critical, warning, info; pending, firing, resolved
    text: str


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: int
    rule: str
    severity: Label
    state: Label
    started: TimeText
    fired: TimeText | None
    figures: tuple[str, ...]  # "error rate: 7.5 %", one per figure
    acknowledged: str | None  # "alice, 26 Nov 2026, 11:15 CET"
    silenced_until: TimeText | None  # set while silenced
    silenced_by: str | None
    open: bool  # not resolved: acknowledge, silence and resolve apply


@dataclass(frozen=True, slots=True)
class IncidentLink:
    id: int
    name: str
    draft: bool
    resolved: bool


@dataclass(frozen=True, slots=True)
class GroupBlock:
    id: int
    title: str  # the component's name, or what the subject is
    subject: str  # as stored, e.g. "component:api"
    severity: Label  # the worst that fired
    state: Label  # firing, pending (nothing fired yet) or resolved ("Recovered")
    opened: TimeText
    open_for: str  # "12 min"
    acknowledged: str | None  # who and when; None: nobody yet
    incident: IncidentLink | None
    proposed_update: str | None  # recovery's resolving update, for a person to post
    alerts: tuple[AlertRow, ...]

    @property
    def proposal_url(self) -> str | None:
        """The incident's update form, filled in with the proposal as a resolving update."""
        if self.incident is None or self.proposed_update is None or self.incident.resolved:
            return None
        return f"/admin/incidents/{self.incident.id}?proposal={self.id}#update-heading"

    @property
    def anchor(self) -> str:
        """The heading's id, which notifications about the group link to."""
        return alert_group_anchor(self.id)


@dataclass(frozen=True, slots=True)
class ResolvedRow:
    id: int
    rule: str
    severity: Label
    title: str
    started: TimeText
    resolved: TimeText | None
    lasted: str
    resolved_by: str  # "resolved by alice", or "the rule cleared"


@dataclass(frozen=True, slots=True)
class AlertsPage:
    """Context of admin/alerts.html."""

    chrome: Chrome
    groups: tuple[GroupBlock, ...]  # open: firing first, worst severity first
    recovered: tuple[GroupBlock, ...]  # resolved, their incident open, an update proposed
    resolved: tuple[ResolvedRow, ...]  # RESOLVED_PAGE_SIZE, newest first
    silence_choices: tuple[tuple[int, str], ...]
    page: int  # of the resolved alerts, from 1
    pages: int
    previous_url: str | None
    next_url: str | None


@dataclass(frozen=True, slots=True)
class AlertsData:
    groups: tuple[GroupView, ...]
    recovered: tuple[GroupView, ...]
    resolved: tuple[AlertView, ...]
    resolved_total: int
    incidents: Mapping[int, LinkedIncident]
    component_names: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Setting:
    """What the assembly needs besides the data."""

    chrome: Chrome
    now: datetime
    tz: ZoneInfo
    page: int


def alerts_page(data: AlertsData, setting: Setting) -> AlertsPage:
    pages = max(1, -(-data.resolved_total // RESOLVED_PAGE_SIZE))
    number = setting.page
    return AlertsPage(
        chrome=setting.chrome,
        groups=tuple(group_block(g, data, setting) for g in data.groups),
        recovered=tuple(group_block(g, data, setting) for g in data.recovered),
        resolved=tuple(resolved_row(a, data.component_names, setting.tz) for a in data.resolved),
        silence_choices=SILENCE_CHOICES,
        page=number,
        pages=pages,
        previous_url=f"/admin/alerts?page={number - 1}" if number > 1 else None,
        next_url=f"/admin/alerts?page={number + 1}" if number < pages else None,
    )


def _severity(alert_or_group: AlertView | GroupView) -> Label:
    severity = alert_or_group.severity
    return Label(severity.value, SEVERITY_LABELS[severity])


def _who_when(name: str | None, at: datetime | None, tz: ZoneInfo) -> str | None:
    if at is None:
        return None
    return f"{clean_text(name) or 'someone'}, {time_text(at, tz).local}"


def group_block(group: GroupView, data: AlertsData, setting: Setting) -> GroupBlock:
    tz = setting.tz
    linked = data.incidents.get(group.incident_id) if group.incident_id is not None else None
    incident = None
    if linked is not None and not linked.deleted:
        incident = IncidentLink(linked.id, clean_text(linked.name), linked.draft, linked.resolved)
    return GroupBlock(
        id=group.id,
        title=subject_text(group.subject, data.component_names),
        subject=clean_text(group.subject),
        severity=_severity(group),
        state=_group_state(group),
        opened=time_text(group.opened_at, tz),
        open_for=duration_text((group.resolved_at or setting.now) - group.opened_at),
        acknowledged=_who_when(group.acknowledged_by, group.acknowledged_at, tz),
        incident=incident,
        proposed_update=group.proposed_update,
        alerts=tuple(alert_row(a, setting) for a in group.alerts),
    )


def _group_state(group: GroupView) -> Label:
    if group.resolved_at is not None:
        return Label("resolved", "Recovered")
    return Label("firing", "Firing") if group.firing else Label("pending", "Pending")


def alert_row(alert: AlertView, setting: Setting) -> AlertRow:
    tz, silenced = setting.tz, alert.silenced(setting.now)
    return AlertRow(
        id=alert.id,
        rule=clean_text(alert.rule),
        severity=_severity(alert),
        state=Label(alert.state.value, STATE_LABELS[alert.state]),
        started=time_text(alert.started_at, tz),
        fired=None if alert.fired_at is None else time_text(alert.fired_at, tz),
        figures=figure_lines(alert.figures),
        acknowledged=_who_when(alert.acknowledged_by, alert.acknowledged_at, tz),
        silenced_until=time_text(alert.silenced_until, tz)
        if silenced and alert.silenced_until
        else None,
        silenced_by=clean_text(alert.silenced_by) if silenced else None,
        open=alert.resolved_at is None,
    )


def resolved_row(alert: AlertView, names: Mapping[str, str], tz: ZoneInfo) -> ResolvedRow:
    end = alert.resolved_at or alert.started_at
    return ResolvedRow(
        id=alert.id,
        rule=clean_text(alert.rule),
        severity=_severity(alert),
        title=subject_text(alert.subject, names),
        started=time_text(alert.started_at, tz),
        resolved=None if alert.resolved_at is None else time_text(alert.resolved_at, tz),
        lasted=duration_text(end - alert.started_at),
        resolved_by=f"resolved by {clean_text(alert.resolved_by)}"
        if alert.resolved_by
        else "the rule cleared",
    )
