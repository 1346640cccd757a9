"""What operators read about alerts beyond the alert rows themselves: the incidents
groups opened, recovered groups whose resolving update waits for a person, how many
alerts a listing pages through, and the error budget's counts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select

from storage.alerts.reads import GroupView, get_group
from storage.database import Database
from storage.tables.alerts import Alert, AlertGroup
from storage.tables.incidents import Incident
from storage.tables.monitoring import Rollup
from storage.vocabulary import AlertState, Granularity


@dataclass(frozen=True, slots=True)
class LinkedIncident:
    """What a group's line says about the incident it opened."""

    id: int
    name: str
    draft: bool
    resolved: bool
    deleted: bool


async def linked_incidents(db: Database, ids: Collection[int]) -> dict[int, LinkedIncident]:
    if not ids:
        return {}
    columns: tuple[Any, ...] = (
        Incident.id,
        Incident.name,
        Incident.draft,
        Incident.resolved_at,
        Incident.deleted_at,
    )
    query = select(*columns).where(col(Incident.id).in_(list(ids)))
    async with db.read() as session:
        return {
            int(i or 0): LinkedIncident(
                int(i or 0), name, draft, resolved is not None, gone is not None
            )
            for i, name, draft, resolved, gone in await session.exec(query)
        }


async def recovered_groups(db: Database, *, limit: int = 20) -> list[GroupView]:
    """Resolved groups whose incident is still open, with recovery's proposed resolving
    update: an operator's to post or not. Newest recovery first."""
    query = (
        select(AlertGroup.id)
        .join(Incident, col(Incident.id) == col(AlertGroup.incident_id))
        .where(
            col(AlertGroup.resolved_at).is_not(None),
            col(AlertGroup.proposed_update).is_not(None),
            col(Incident.resolved_at).is_(None),
            col(Incident.deleted_at).is_(None),
        )
        .order_by(col(AlertGroup.resolved_at).desc(), col(AlertGroup.id).desc())
        .limit(limit)
    )
    async with db.read() as session:
        ids = [int(i or 0) for i in await session.exec(query)]
    return [await get_group(db, group_id) for group_id in ids]


async def count_alerts(db: Database, *, state: AlertState | None = None) -> int:
    query = select(func.count()).select_from(Alert)
    if state is not None:
        query = query.where(Alert.state == state)
    async with db.read() as session:
        return int((await session.exec(query)).one())


@dataclass(frozen=True, slots=True)
class BudgetCounts:
    results: int  # measured probes (up, degraded, down); maintenance left out
    failures: int  # down


async def budget_counts(
    db: Database, component_ids: Sequence[str], span: tuple[datetime, datetime]
) -> dict[str, BudgetCounts]:
    """Results and failures per component in the day roll-ups starting in [span):
    the error budget's window, on the same day buckets as the page's uptime, so the
    two agree. A component with no roll-ups in the span is absent."""
    if not component_ids:
        return {}
    query = (
        select(
            Rollup.component_id,
            func.sum(Rollup.up + Rollup.degraded + Rollup.down),
            func.sum(Rollup.down),
        )
        .where(
            col(Rollup.component_id).in_(list(component_ids)),
            Rollup.granularity == Granularity.DAY,
            Rollup.bucket_start >= span[0],
            Rollup.bucket_start < span[1],
        )
        .group_by(Rollup.component_id)
    )
    async with db.read() as session:
        rows = await session.exec(query)
        return {c: BudgetCounts(int(n or 0), int(d or 0)) for c, n, d in rows}
