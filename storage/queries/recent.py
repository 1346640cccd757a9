"""Recent results and the status in force: what the status evaluator reads each round."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from storage.database import Database
from storage.tables.monitoring import ProbeResultRow


@dataclass(frozen=True, slots=True)
class RecentResult:
    status: str  # up | degraded | down
    started_at: datetime
    error: str | None


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


async def has_results(db: Database) -> bool:
    async with db.read() as session:
        return (await session.exec(select(ProbeResultRow.id).limit(1))).first() is not None
