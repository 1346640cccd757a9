"""Alerts written the way the evaluator writes them (`apply_steps`), without an
evaluator: a rule's alert firing or resolving about a subject, at a given time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from storage.alerts.reads import AlertView, list_alerts
from storage.alerts.writes import AlertStep, apply_steps, link_incident
from storage.database import Database
from storage.incidents.rules import NewIncident
from storage.incidents.writes import AUTOMATION, create_incident
from storage.vocabulary import AlertSeverity, AlertState
from tests.admin.helpers import NOW

FIGURES = {"error_rate_percent": 12.5, "failures": 3, "results": 24}


def step(
    rule: str = "error-rate-critical",
    *,
    state: AlertState | None = AlertState.FIRING,
    subject: str = "component:api",
    severity: AlertSeverity = AlertSeverity.CRITICAL,
    at: datetime = NOW,
    figures: Mapping[str, Any] | None = None,
) -> AlertStep:
    component = subject.removeprefix("component:") if subject.startswith("component:") else None
    return AlertStep(
        rule=rule,
        subject=subject,
        severity=severity,
        component_id=component,
        state=state,
        started_at=at - timedelta(minutes=2),
        fired_at=at if state is not AlertState.PENDING else None,
        figures=dict(FIGURES if figures is None else figures),
    )


async def fire(db: Database, rule: str = "error-rate-critical", **fields: Any) -> AlertView:
    """One alert firing at NOW (or `at`); returns it as stored."""
    at = fields.get("at", NOW)
    made = step(rule, **fields)
    await apply_steps(db, [made], now=at)
    return next(a for a in await list_alerts(db) if (a.rule, a.subject) == (rule, made.subject))


async def resolve(db: Database, rule: str = "error-rate-critical", **fields: Any) -> None:
    """The rule clears: its open alert about the subject resolves."""
    await apply_steps(
        db, [step(rule, state=AlertState.RESOLVED, **fields)], now=fields.get("at", NOW)
    )


async def draft_incident_for(db: Database, group_id: int, *, at: datetime = NOW) -> int:
    """A draft incident opened by alerting for the group, as the automation does."""
    incident_id = await create_incident(
        db,
        NewIncident(
            name="API is failing for some requests",
            status="investigating",
            body="We are investigating a problem.",
            severity="P1",
            components={"api": "partial_outage"},
            draft=True,
            author=AUTOMATION,
        ),
        now=at,
        actor=AUTOMATION,
    )
    await link_incident(db, group_id, incident_id)
    return incident_id
