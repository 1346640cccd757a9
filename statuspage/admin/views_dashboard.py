"""The dashboard (what needs attention now) and the list of every incident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from statuspage import keys
from statuspage.admin.pages import Chrome, chrome, render
from statuspage.admin.state import ADMIN
from statuspage.presentation.display import (
    StatusBadge,
    TimeText,
    clean_text,
    impact_label,
    incident_status_label,
    status_badge,
    time_text,
)
from statuspage.rules.response_times import duration_text, target_text, update_due_at
from storage.components import list_components
from storage.incidents.reads import IncidentFilter, IncidentView, list_incidents, open_maintenances
from storage.status import current_statuses
from storage.vocabulary import UNRESOLVED_INCIDENT, IncidentKind

LIST_LIMIT = 200


@dataclass(frozen=True, slots=True)
class OpenIncident:
    id: int
    name: str
    severity: str | None  # P0..P3, None when not set
    status: str  # label, e.g. "Identified"
    impact: str  # label
    draft: bool
    last_update: TimeText
    since_last_update: str  # e.g. "12 min"
    target: str  # the severity's response time, e.g. "30 min"
    due: TimeText | None  # when the next update is due; None: no target
    overdue: bool
    overdue_by: str | None  # e.g. "7 min" when overdue


@dataclass(frozen=True, slots=True)
class ComponentRow:
    id: str
    name: str
    group: str | None
    badge: StatusBadge


@dataclass(frozen=True, slots=True)
class MaintenanceRow:
    id: int
    name: str
    status: str  # label
    starts: TimeText
    ends: TimeText | None


@dataclass(frozen=True, slots=True)
class DashboardPage:
    """Context of admin/dashboard.html."""

    chrome: Chrome
    now: TimeText
    incidents: tuple[OpenIncident, ...]  # open and published, most urgent first
    drafts: tuple[OpenIncident, ...]  # not public yet
    maintenances: tuple[MaintenanceRow, ...]  # upcoming and in progress, soonest first
    components: tuple[ComponentRow, ...]  # every component, in display order


async def dashboard(request: web.Request) -> web.Response:
    db, now = request.app[keys.DATABASE], request.app[ADMIN].clock()
    tz = request.app[keys.SETTINGS].current.tz
    found = await list_incidents(
        db,
        IncidentFilter(
            kinds=(IncidentKind.INCIDENT,), statuses=UNRESOLVED_INCIDENT, include_drafts=True
        ),
    )
    rows = sorted((open_incident(i, now, tz) for i in found), key=_urgency)
    page = DashboardPage(
        chrome=await chrome(request, "Dashboard"),
        now=time_text(now, tz),
        incidents=tuple(r for r in rows if not r.draft),
        drafts=tuple(r for r in rows if r.draft),
        maintenances=tuple(_maintenance_row(m, tz) for m in await open_maintenances(db)),
        components=await _component_rows(request),
    )
    return render(request, "admin/dashboard.html", page)


def open_incident(incident: IncidentView, now: datetime, tz: ZoneInfo) -> OpenIncident:
    last = max((u.created_at for u in incident.updates), default=incident.created_at)
    due = update_due_at(incident.severity, last, tz)
    overdue = due is not None and now > due
    return OpenIncident(
        id=incident.id,
        name=clean_text(incident.name),
        severity=incident.severity,
        status=incident_status_label(incident.status),
        impact=impact_label(incident.impact),
        draft=incident.draft,
        last_update=time_text(last, tz),
        since_last_update=duration_text(now - last),
        target=target_text(incident.severity),
        due=None if due is None else time_text(due, tz),
        overdue=overdue,
        overdue_by=duration_text(now - due) if overdue and due is not None else None,
    )


def _urgency(row: OpenIncident) -> tuple[bool, str, str]:
    return (not row.overdue, row.severity or "P9", row.last_update.iso)


def _maintenance_row(maintenance: IncidentView, tz: ZoneInfo) -> MaintenanceRow:
    until = maintenance.scheduled_until
    return MaintenanceRow(
        id=maintenance.id,
        name=clean_text(maintenance.name),
        status=incident_status_label(maintenance.status),
        starts=time_text(maintenance.scheduled_for or maintenance.started_at, tz),
        ends=None if until is None else time_text(until, tz),
    )


async def _component_rows(request: web.Request) -> tuple[ComponentRow, ...]:
    db = request.app[keys.DATABASE]
    statuses = await current_statuses(db)
    return tuple(
        ComponentRow(c.id, clean_text(c.name), c.group_name, status_badge(statuses.get(c.id)))
        for c in await list_components(db)
    )


@dataclass(frozen=True, slots=True)
class ListedIncident:
    id: int
    kind: str  # "incident" or "maintenance"
    name: str
    status: str  # label
    severity: str | None
    draft: bool
    started: TimeText


@dataclass(frozen=True, slots=True)
class IncidentListPage:
    """Context of admin/incidents.html: the newest LIST_LIMIT incidents and maintenance."""

    chrome: Chrome
    incidents: tuple[ListedIncident, ...]


async def incident_list(request: web.Request) -> web.Response:
    tz = request.app[keys.SETTINGS].current.tz
    found = await list_incidents(
        request.app[keys.DATABASE], IncidentFilter(include_drafts=True, limit=LIST_LIMIT)
    )
    rows = tuple(
        ListedIncident(
            id=i.id,
            kind=i.kind,
            name=clean_text(i.name),
            status=incident_status_label(i.status),
            severity=i.severity,
            draft=i.draft,
            started=time_text(i.started_at, tz),
        )
        for i in found
    )
    page = IncidentListPage(await chrome(request, "Incidents"), rows)
    return render(request, "admin/incidents.html", page)
