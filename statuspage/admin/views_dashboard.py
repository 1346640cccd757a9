"""The dashboard (what needs attention now) and the list of every incident."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from statuspage import keys
from statuspage.admin.budgets import Budget, load_budgets
from statuspage.admin.dashboard_alerts import (
    RESOLVED_DAYS,
    RESOLVED_LIMIT,
    BudgetRow,
    FiringCount,
    ResponseRow,
    budget_row,
    firing_counts,
    response_rows,
)
from statuspage.admin.incident_context import ComponentNow, load_components_now
from statuspage.admin.pages import Chrome, chrome, render
from statuspage.admin.state import ADMIN
from statuspage.config import Settings
from statuspage.presentation.display import (
    StatusBadge,
    TimeText,
    clean_text,
    impact_label,
    incident_status_label,
    status_badge,
    time_text,
)
from statuspage.presentation.metric_cards import MetricCard, load_metric_cards
from statuspage.rules.response_times import (
    DEFAULT_CALENDAR,
    BusinessCalendar,
    duration_text,
    target_text,
    update_due_at,
)
from storage.alerts.reads import GroupView, open_groups
from storage.database import Database
from storage.incidents.reads import IncidentFilter, IncidentView, list_incidents, open_maintenances
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
    firing: tuple[FiringCount, ...]  # firing alert groups, by severity, worst first
    budgets: tuple[BudgetRow, ...]  # every probed component's 30-day error budget
    # Incidents with a severity, open or resolved in the last RESOLVED_DAYS: response times
    responses: tuple[ResponseRow, ...]
    # Metrics that miss their target or gave no value at the last run (docs/metrics.md),
    # and how many are configured: the dashboard's operations and business view in short.
    metrics_off: tuple[MetricCard, ...] = ()
    metrics_total: int = 0


@dataclass(frozen=True, slots=True)
class DashboardData:
    """What the dashboard shows, as loaded: open incidents (drafts too), maintenance
    upcoming or in progress, and every component with its status now."""

    incidents: tuple[IncidentView, ...]
    maintenances: tuple[IncidentView, ...]
    components: tuple[ComponentNow, ...]
    groups: tuple[GroupView, ...]  # open alert groups
    budgets: tuple[Budget, ...]
    resolved: tuple[IncidentView, ...] = ()  # resolved in the last RESOLVED_DAYS days


async def load_dashboard(db: Database, settings: Settings, now: datetime) -> DashboardData:
    open_ones = IncidentFilter(
        kinds=(IncidentKind.INCIDENT,), statuses=UNRESOLVED_INCIDENT, include_drafts=True
    )
    resolved = IncidentFilter(
        kinds=(IncidentKind.INCIDENT,),
        include_drafts=True,
        resolved_from=now - timedelta(days=RESOLVED_DAYS),
        limit=RESOLVED_LIMIT,
    )
    return DashboardData(
        incidents=tuple(await list_incidents(db, open_ones)),
        resolved=tuple(await list_incidents(db, resolved)),
        maintenances=tuple(await open_maintenances(db)),
        components=await load_components_now(db),
        groups=tuple(await open_groups(db)),
        budgets=tuple(await load_budgets(db, settings, now)),
    )


def dashboard_page(
    data: DashboardData,
    chrome: Chrome,
    now: datetime,
    tz: ZoneInfo,
    calendar: BusinessCalendar = DEFAULT_CALENDAR,
) -> DashboardPage:
    rows = sorted((open_incident(i, now, tz, calendar) for i in data.incidents), key=_urgency)
    return DashboardPage(
        chrome=chrome,
        now=time_text(now, tz),
        incidents=tuple(r for r in rows if not r.draft),
        drafts=tuple(r for r in rows if r.draft),
        maintenances=tuple(_maintenance_row(m, tz) for m in data.maintenances),
        components=tuple(
            ComponentRow(c.id, clean_text(c.name), c.group, status_badge(c.status))
            for c in data.components
        ),
        firing=firing_counts(data.groups),
        budgets=tuple(budget_row(b) for b in data.budgets),
        responses=response_rows([*data.incidents, *data.resolved], now, tz, calendar),
    )


async def dashboard(request: web.Request) -> web.Response:
    settings, now = request.app[keys.SETTINGS].current, request.app[ADMIN].clock()
    data = await load_dashboard(request.app[keys.DATABASE], settings, now)
    tz = settings.tz
    calendar = settings.business_calendar
    page = dashboard_page(data, await chrome(request, "Dashboard"), now, tz, calendar)
    metrics = settings.metrics.metrics
    cards = await load_metric_cards(request.app[keys.DATABASE], metrics, now)
    off = tuple(c for c in cards if c.verdict == "misses" or c.problem is not None)
    page = replace(page, metrics_off=off, metrics_total=len(metrics))
    return render(request, "admin/dashboard.html", page)


def open_incident(
    incident: IncidentView,
    now: datetime,
    tz: ZoneInfo,
    calendar: BusinessCalendar = DEFAULT_CALENDAR,
) -> OpenIncident:
    last = max((u.created_at for u in incident.updates), default=incident.created_at)
    due = update_due_at(incident.severity, last, tz, calendar)
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
