"""The dashboard's alerting figures: firing alert groups by severity, each probed
component's error budget, and each open incident's response times against its
severity's target. Assembled from plain data without I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from statuspage.admin.budgets import Budget
from statuspage.presentation.alerts import SEVERITY_LABELS
from statuspage.presentation.display import clean_text
from statuspage.rules.response_checks import (
    ResponseCheck,
    Verdict,
    check_response,
    first_human_update_at,
)
from statuspage.rules.response_times import (
    DEFAULT_CALENDAR,
    BusinessCalendar,
    duration_text,
    target_text,
    update_due_at,
)
from storage.alerts.reads import GroupView
from storage.incidents.reads import IncidentView
from storage.vocabulary import AlertSeverity


@dataclass(frozen=True, slots=True)
class FiringCount:
    severity: str  # critical, warning, info
    label: str
    groups: int  # firing alert groups whose worst firing alert has this severity


@dataclass(frozen=True, slots=True)
class BudgetRow:
    component_id: str
    name: str
    objective: str  # "99.9 %"
    remaining: str  # "87.5 %", "-100 % or less", "no data"
    overspent: bool
    counts: str  # "3 of 2,880 probes failed"


@dataclass(frozen=True, slots=True)
class ResponseFigure:
    took: str  # "4 min"; while not done, how long so far
    done: bool
    verdict: str  # "on-time", "missed", "waiting" or "none" (no target): the CSS class
    label: str  # "on time", "missed", "waiting", "no target"
    by: str | None  # who acknowledged


@dataclass(frozen=True, slots=True)
class ResponseRow:
    id: int
    name: str
    severity: str  # P0..P3
    draft: bool
    target: str  # "5 min", "next business day"
    acknowledgement: ResponseFigure
    first_update: ResponseFigure


def firing_counts(groups: Iterable[GroupView]) -> tuple[FiringCount, ...]:
    firing = [g for g in groups if g.firing and g.resolved_at is None]
    return tuple(
        FiringCount(s.value, SEVERITY_LABELS[s], sum(g.severity is s for g in firing))
        for s in sorted(AlertSeverity, key=lambda s: -s.rank)
    )


def budget_row(budget: Budget) -> BudgetRow:
    remaining = budget.remaining
    if remaining is None:
        text = "no data"
    elif remaining <= -1.0:
        text = "-100 % or less"
    else:
        text = f"{_percent(remaining * 100)} %"
    return BudgetRow(
        component_id=budget.component_id,
        name=clean_text(budget.name),
        objective=f"{_percent(budget.objective * 100)} %",
        remaining=text,
        overspent=budget.overspent,
        counts=f"{budget.failures:,} of {budget.results:,} probes failed",
    )


def _percent(value: float) -> str:
    """At most two decimals, no trailing zeros: "99.9", "87.5", "100"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def response_rows(
    incidents: Iterable[IncidentView],
    now: datetime,
    tz: ZoneInfo,
    calendar: BusinessCalendar = DEFAULT_CALENDAR,
) -> tuple[ResponseRow, ...]:
    """Open incidents with a severity, longest-waiting first."""
    rows = [
        _response_row(i, now, tz, calendar)
        for i in sorted(incidents, key=lambda i: i.started_at)
        if i.severity is not None and i.resolved_at is None
    ]
    return tuple(rows)


def _response_row(
    incident: IncidentView, now: datetime, tz: ZoneInfo, calendar: BusinessCalendar
) -> ResponseRow:
    due = update_due_at(incident.severity, incident.started_at, tz, calendar)
    first = first_human_update_at((u.created_at, u.author) for u in incident.updates)
    acknowledged = check_response(incident.started_at, incident.acknowledged_at, due, now)
    return ResponseRow(
        id=incident.id,
        name=clean_text(incident.name),
        severity=incident.severity or "",
        draft=incident.draft,
        target=target_text(incident.severity),
        acknowledgement=_figure(acknowledged, clean_text(incident.acknowledged_by) or None),
        first_update=_figure(check_response(incident.started_at, first, due, now), None),
    )


def _figure(check: ResponseCheck, by: str | None) -> ResponseFigure:
    took = duration_text(check.took)
    if check.verdict is None:
        return ResponseFigure(took, check.done, "none", "no target", by)
    key = {Verdict.ON_TIME: "on-time", Verdict.MISSED: "missed", Verdict.WAITING: "waiting"}
    return ResponseFigure(took, check.done, key[check.verdict], check.verdict.value, by)
