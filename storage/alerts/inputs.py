"""What the alert evaluator reads: recent results after a restart or takeover (and
other processes' results on PostgreSQL), counts over windows longer than the raw
history it keeps (from hourly roll-ups), the prober's own failures, and the incidents
still waiting for a human."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select

from probes.model import ProbeStatus
from storage.database import Database
from storage.results.announce import Announced, announced
from storage.tables.incidents import Incident
from storage.tables.monitoring import ProbeResultRow, Rollup, UnmeasuredRun
from storage.vocabulary import Granularity, IncidentKind


async def results_since(db: Database, since: datetime) -> list[Announced]:
    """Results scheduled after `since`, oldest first (the index on scheduled_at)."""
    columns: tuple[Any, ...] = (
        ProbeResultRow.component_id,
        ProbeResultRow.region,
        ProbeResultRow.scheduled_at,
        ProbeResultRow.status,
        ProbeResultRow.latency_ms,
        ProbeResultRow.within_sla,
    )
    query = (
        select(*columns)
        .where(ProbeResultRow.scheduled_at > since)
        .order_by(col(ProbeResultRow.scheduled_at))
    )
    async with db.read() as session:
        rows = await session.exec(query)
        return [
            announced(c, r, at, status == ProbeStatus.DOWN, latency, within)
            for c, r, at, status, latency, within in rows
        ]


@dataclass(frozen=True, slots=True)
class HourCounts:
    results: int
    failures: int


async def hourly_counts_since(
    db: Database, since: datetime, components: Collection[str]
) -> dict[str, HourCounts]:
    """Results and failures per component in the hourly roll-ups from `since` on
    (whole hours: the window is rounded to the hour its start falls in)."""
    total = Rollup.up + Rollup.degraded + Rollup.down
    query = (
        select(Rollup.component_id, func.sum(total), func.sum(Rollup.down))
        .where(
            Rollup.granularity == Granularity.HOUR,
            Rollup.bucket_start >= since,
            col(Rollup.component_id).in_(list(components)),
        )
        .group_by(Rollup.component_id)
    )
    async with db.read() as session:
        rows = await session.exec(query)
        return {c: HourCounts(int(n or 0), int(d or 0)) for c, n, d in rows}


async def unmeasured_since(db: Database, since: datetime) -> dict[str, list[datetime]]:
    """When the prober failed to measure, per region, oldest first."""
    query = (
        select(UnmeasuredRun.region, UnmeasuredRun.started_at)
        .where(UnmeasuredRun.started_at > since)
        .order_by(col(UnmeasuredRun.started_at))
    )
    async with db.read() as session:
        by_region: dict[str, list[datetime]] = {}
        for region, at in await session.exec(query):
            by_region.setdefault(region, []).append(at)
        return by_region


@dataclass(frozen=True, slots=True)
class AwaitingIncident:
    id: int
    severity: str
    started_at: datetime


async def incidents_awaiting_response(db: Database) -> list[AwaitingIncident]:
    """Open incidents with a severity that no human has acknowledged yet."""
    query = select(Incident.id, Incident.severity, Incident.started_at).where(
        Incident.kind == IncidentKind.INCIDENT,
        col(Incident.resolved_at).is_(None),
        col(Incident.deleted_at).is_(None),
        col(Incident.acknowledged_at).is_(None),
        col(Incident.severity).is_not(None),
    )
    async with db.read() as session:
        return [AwaitingIncident(int(i or 0), str(s), at) for i, s, at in await session.exec(query)]
