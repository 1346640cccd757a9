"""What the API, the dashboard and the page read about metrics."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from storage.database import Database
from storage.tables.metrics import MetricPoint, MetricProblem, MetricRollup
from storage.vocabulary import Granularity, MetricProblemSide


@dataclass(frozen=True, slots=True)
class StoredPoint:
    at: datetime
    value: float


@dataclass(frozen=True, slots=True)
class Bucket:
    start: datetime
    count: int
    average: float
    minimum: float
    maximum: float


@dataclass(frozen=True, slots=True)
class Problem:
    at: datetime
    side: MetricProblemSide
    message: str


async def latest_points(db: Database, metric_ids: Collection[str]) -> dict[str, StoredPoint]:
    """Each metric's newest point (metrics with none are left out)."""
    if not metric_ids:
        return {}
    newest = (
        select(col(MetricPoint.metric_id), func.max(col(MetricPoint.at)).label("at"))
        .where(col(MetricPoint.metric_id).in_(metric_ids))
        .group_by(col(MetricPoint.metric_id))
        .subquery()
    )
    statement = select(MetricPoint).join(
        newest,
        (col(MetricPoint.metric_id) == newest.c.metric_id) & (col(MetricPoint.at) == newest.c.at),
    )
    async with db.read() as session:
        rows = (await session.exec(statement)).all()
    return {row.metric_id: StoredPoint(row.at, row.value) for row in rows}


async def points_since(
    db: Database, metric_id: str, since: datetime, limit: int
) -> list[StoredPoint]:
    """Points at or after `since`, oldest first, at most `limit`."""
    statement = (
        select(MetricPoint)
        .where(MetricPoint.metric_id == metric_id, col(MetricPoint.at) >= since)
        .order_by(col(MetricPoint.at))
        .limit(limit)
    )
    async with db.read() as session:
        rows = (await session.exec(statement)).all()
    return [StoredPoint(row.at, row.value) for row in rows]


async def hourly_buckets(db: Database, metric_id: str, since: datetime) -> list[Bucket]:
    """The metric's hour roll-ups from `since`, oldest first: what charts draw."""
    statement = (
        select(MetricRollup)
        .where(
            MetricRollup.metric_id == metric_id,
            MetricRollup.granularity == Granularity.HOUR,
            col(MetricRollup.bucket_start) >= since,
        )
        .order_by(col(MetricRollup.bucket_start))
    )
    async with db.read() as session:
        rows = (await session.exec(statement)).all()
    return [
        Bucket(r.bucket_start, r.count, r.total / r.count, r.minimum, r.maximum)
        for r in rows
        if r.count
    ]


async def latest_problems(db: Database, metric_ids: Collection[str]) -> dict[str, Problem]:
    """Each metric's newest problem (metrics with none are left out)."""
    if not metric_ids:
        return {}
    newest = (
        select(func.max(col(MetricProblem.id)))
        .where(col(MetricProblem.metric_id).in_(metric_ids))
        .group_by(col(MetricProblem.metric_id))
    )
    statement = select(MetricProblem).where(col(MetricProblem.id).in_(newest))
    async with db.read() as session:
        rows = (await session.exec(statement)).all()
    return {row.metric_id: Problem(row.at, row.side, row.message) for row in rows}
