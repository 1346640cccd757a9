"""Reading alerts for the admin area, the write API, `/metrics` and the evaluator's
restart, and the recent security events the site rules count."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select

from storage.database import Database
from storage.errors import NotFound
from storage.tables.accounts import SignInFailure
from storage.tables.alerts import Alert, AlertGroup, TokenFailure
from storage.vocabulary import AlertSeverity, AlertState


@dataclass(frozen=True, slots=True)
class AlertView:
    id: int
    group_id: int
    rule: str
    severity: AlertSeverity
    subject: str
    component_id: str | None
    state: AlertState
    started_at: datetime
    fired_at: datetime | None
    clear_since: datetime | None
    resolved_at: datetime | None
    resolved_by: str | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    silenced_until: datetime | None
    silenced_by: str | None
    figures: dict[str, Any]
    resolve_figures: dict[str, Any] | None

    def silenced(self, now: datetime) -> bool:
        return self.silenced_until is not None and self.silenced_until > now


@dataclass(frozen=True, slots=True)
class GroupView:
    id: int
    subject: str
    component_id: str | None
    severity: AlertSeverity
    opened_at: datetime
    resolved_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    incident_id: int | None
    proposed_update: str | None
    alerts: tuple[AlertView, ...]

    @property
    def firing(self) -> bool:
        return any(a.state is AlertState.FIRING for a in self.alerts)


def _view(row: Alert) -> AlertView:
    assert row.id is not None
    return AlertView(
        id=row.id,
        group_id=row.group_id,
        rule=row.rule,
        severity=row.severity,
        subject=row.subject,
        component_id=row.component_id,
        state=row.state,
        started_at=row.started_at,
        fired_at=row.fired_at,
        clear_since=row.clear_since,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        silenced_until=row.silenced_until,
        silenced_by=row.silenced_by,
        figures=dict(row.figures or {}),
        resolve_figures=None if row.resolve_figures is None else dict(row.resolve_figures),
    )


async def list_alerts(
    db: Database, *, state: AlertState | None = None, limit: int = 100, offset: int = 0
) -> list[AlertView]:
    """Alerts newest first (by when their condition began), optionally of one state."""
    query = select(Alert).order_by(col(Alert.started_at).desc(), col(Alert.id).desc())
    if state is not None:
        query = query.where(Alert.state == state)
    async with db.read() as session:
        rows = await session.exec(query.offset(max(offset, 0)).limit(max(limit, 0)))
        return [_view(row) for row in rows]


async def get_alert(db: Database, alert_id: int) -> AlertView:
    async with db.read() as session:
        row = await session.get(Alert, alert_id)
        if row is None:
            raise NotFound(f"alert {alert_id}")
        return _view(row)


async def open_alerts(db: Database) -> list[AlertView]:
    """Pending and firing alerts: what the evaluator picks up after a restart."""
    async with db.read() as session:
        rows = await session.exec(
            select(Alert).where(col(Alert.resolved_at).is_(None)).order_by(col(Alert.id))
        )
        return [_view(row) for row in rows]


async def open_groups(db: Database) -> list[GroupView]:
    """Unresolved groups, worst first, each with its open alerts."""
    async with db.read() as session:
        groups = list(
            await session.exec(select(AlertGroup).where(col(AlertGroup.resolved_at).is_(None)))
        )
        ids = [g.id for g in groups]
        alerts = await session.exec(
            select(Alert)
            .where(col(Alert.group_id).in_(ids), col(Alert.resolved_at).is_(None))
            .order_by(col(Alert.started_at))
        )
        by_group: dict[int, list[AlertView]] = {}
        for row in alerts:
            by_group.setdefault(row.group_id, []).append(_view(row))
    views = [_group_view(g, by_group.get(g.id or 0, [])) for g in groups]
    return sorted(views, key=lambda g: (not g.firing, -g.severity.rank, g.opened_at))


async def get_group(db: Database, group_id: int) -> GroupView:
    async with db.read() as session:
        group = await session.get(AlertGroup, group_id)
        if group is None:
            raise NotFound(f"alert group {group_id}")
        rows = await session.exec(
            select(Alert).where(Alert.group_id == group_id).order_by(col(Alert.started_at))
        )
        return _group_view(group, [_view(r) for r in rows])


def _group_view(group: AlertGroup, alerts: Sequence[AlertView]) -> GroupView:
    assert group.id is not None
    return GroupView(
        id=group.id,
        subject=group.subject,
        component_id=group.component_id,
        severity=group.severity,
        opened_at=group.opened_at,
        resolved_at=group.resolved_at,
        acknowledged_at=group.acknowledged_at,
        acknowledged_by=group.acknowledged_by,
        incident_id=group.incident_id,
        proposed_update=group.proposed_update,
        alerts=tuple(alerts),
    )


async def firing_counts(db: Database) -> Counter[tuple[str, AlertSeverity]]:
    """Firing alerts by (rule, severity), for `/metrics`."""
    async with db.read() as session:
        rows = await session.exec(
            select(Alert.rule, Alert.severity, func.count())
            .where(Alert.state == AlertState.FIRING, col(Alert.resolved_at).is_(None))
            .group_by(Alert.rule, Alert.severity)
        )
        return Counter({(rule, AlertSeverity(severity)): int(n) for rule, severity, n in rows})


async def sign_in_failures_since(db: Database, since: datetime) -> list[tuple[datetime, str]]:
    """(at, address) of failed sign-ins after `since`, oldest first."""
    async with db.read() as session:
        rows = await session.exec(
            select(SignInFailure.at, SignInFailure.address)
            .where(SignInFailure.at > since)
            .order_by(col(SignInFailure.at))
        )
        return [(at, address) for at, address in rows]


async def token_failures_since(db: Database, since: datetime) -> list[datetime]:
    async with db.read() as session:
        rows = await session.exec(
            select(TokenFailure.at).where(TokenFailure.at > since).order_by(col(TokenFailure.at))
        )
        return list(rows)
