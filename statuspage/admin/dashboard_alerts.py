"""The dashboard's alerting figures: firing alert groups by severity, each probed
component's error budget, and the response times of each incident open or resolved
lately against its severity's target. Assembled from plain data without I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from statuspage.admin.budgets import Budget
from statuspage.admin.incident_response_times import response_of
from statuspage.presentation.alerts import SEVERITY_LABELS
from statuspage.presentation.display import clean_text
from statuspage.rules.response_checks import ResponseCheck
from statuspage.rules.response_times import (
    DEFAULT_CALENDAR,
    BusinessCalendar,
    duration_text,
    target_text,
)
from storage.alerts.reads import GroupView
from storage.incidents.reads import IncidentView
from storage.vocabulary import AlertSeverity

RESOLVED_DAYS = 30  # how long a resolved incident's response times stay on the dashboard
RESOLVED_LIMIT = 200  # and at most this many of them, latest first


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
    remaining: str  # "87.5 % left", "overspent: 10 × the budget spent", "no data"
    overspent: bool
    counts: str  # "3 of 2,880 probes failed"


@dataclass(frozen=True, slots=True)
class ResponseFigure:
    took: str  # "4 min"; while not done, how long so far
    done: bool
    verdict: str  # "on-time", "missed", "waiting", "not-needed" or "none": the CSS class
    label: str  # "on time", "missed", "waiting", "not needed", "no target"
    by: str | None  # who acknowledged


@dataclass(frozen=True, slots=True)
class ResponseRow:
    id: int
    name: str
    severity: str  # P0..P3
    draft: bool
    resolved: bool  # resolved in the last RESOLVED_DAYS days: its figures are final
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
    elif budget.overspent:
        text = f"overspent: {_spent(budget)} the budget spent"
    else:
        text = f"{_percent(remaining * 100)} % left"
    return BudgetRow(
        component_id=budget.component_id,
        name=clean_text(budget.name),
        objective=f"{_percent(budget.objective * 100)} %",
        remaining=text,
        overspent=budget.overspent,
        counts=f"{budget.failures:,} of {budget.results:,} probes failed",
    )


def _spent(budget: Budget) -> str:
    """How many budgets the failures came to, from the counts: `remaining` is floored
    at -100 % and would hide how far past it a component went."""
    allowed = budget.results * (1.0 - budget.objective)
    if allowed <= 0:  # a 100 % objective allows nothing
        return "all of"
    return f"{budget.failures / allowed:.3g} ×"


def _percent(value: float) -> str:
    """At most two decimals, no trailing zeros: "99.9", "87.5", "100"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def response_rows(
    incidents: Iterable[IncidentView],
    now: datetime,
    tz: ZoneInfo,
    calendar: BusinessCalendar = DEFAULT_CALENDAR,
) -> tuple[ResponseRow, ...]:
    """Incidents with a severity: open ones longest-waiting first, then resolved ones
    (the caller loads those of the last RESOLVED_DAYS days) latest resolved first."""
    rated = [i for i in incidents if i.severity is not None]
    open_ones = sorted((i for i in rated if i.resolved_at is None), key=lambda i: i.started_at)
    resolved = sorted(
        (i for i in rated if i.resolved_at is not None),
        key=lambda i: i.resolved_at or i.started_at,
        reverse=True,
    )
    return tuple(_response_row(i, now, tz, calendar) for i in [*open_ones, *resolved])


def _response_row(
    incident: IncidentView, now: datetime, tz: ZoneInfo, calendar: BusinessCalendar
) -> ResponseRow:
    response = response_of(incident, now, tz, calendar)
    return ResponseRow(
        id=incident.id,
        name=clean_text(incident.name),
        severity=incident.severity or "",
        draft=incident.draft,
        resolved=incident.resolved_at is not None,
        target=target_text(incident.severity),
        acknowledgement=_figure(
            response.acknowledgement, clean_text(incident.acknowledged_by) or None
        ),
        first_update=_figure(response.first_update, None),
    )


def _figure(check: ResponseCheck, by: str | None) -> ResponseFigure:
    took = duration_text(check.took)
    if check.verdict is None:
        return ResponseFigure(took, check.done, "none", "no target", by)
    return ResponseFigure(
        took, check.done, check.verdict.value.replace(" ", "-"), check.verdict.value, by
    )
