"""Recent results and the status in force: what the status evaluator reads each round."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from storage.database import Database
from storage.models import ProbeResultRow, StatusChange


@dataclass(frozen=True, slots=True)
class RecentResult:
    status: str  # up | degraded | down
    started_at: datetime
    error: str | None


@dataclass(frozen=True, slots=True)
class StatusInForce:
    status: str
    source: str
    at: datetime


async def recent_results(
    db: Database, *, since: datetime
) -> dict[str, dict[str, list[RecentResult]]]:
    """Results due at or after `since`: component -> region -> newest first."""
    # Typed as Any: sqlmodel's select() overloads stop at four columns.
    columns: tuple[Any, ...] = (
        col(ProbeResultRow.component_id),
        col(ProbeResultRow.region),
        col(ProbeResultRow.status),
        col(ProbeResultRow.started_at),
        col(ProbeResultRow.error),
    )
    query = (
        select(*columns)
        .where(ProbeResultRow.scheduled_at >= since)  # indexed; started_at is a little later
        .order_by(col(ProbeResultRow.started_at).desc(), col(ProbeResultRow.id).desc())
    )
    found: dict[str, dict[str, list[RecentResult]]] = defaultdict(lambda: defaultdict(list))
    async with db.read() as session:
        for component_id, region, status, started_at, error in await session.exec(query):
            found[component_id][region].append(RecentResult(status, started_at, error))
    return {cid: dict(regions) for cid, regions in found.items()}


async def statuses_in_force(db: Database) -> dict[str, StatusInForce]:
    """The latest status change of every component that has one, with who made it."""
    ranked_columns: tuple[Any, ...] = (
        StatusChange.component_id,
        StatusChange.new_status,
        StatusChange.source,
        StatusChange.at,
        func.row_number()
        .over(
            partition_by=StatusChange.component_id,
            order_by=(col(StatusChange.at).desc(), col(StatusChange.id).desc()),
        )
        .label("rank"),
    )
    ranked = select(*ranked_columns).subquery()
    latest = select(ranked.c.component_id, ranked.c.new_status, ranked.c.source, ranked.c.at)
    async with db.read() as session:
        rows = await session.exec(latest.where(ranked.c.rank == 1))
        return {cid: StatusInForce(status, source, at) for cid, status, source, at in rows}


async def has_results(db: Database) -> bool:
    async with db.read() as session:
        return (await session.exec(select(ProbeResultRow.id).limit(1))).first() is not None
