"""Deleting old metric points, roll-ups and problems, by the storage retention settings:
points and problems after the raw days, hour roll-ups after the hourly days, day
roll-ups after the daily days (docs/metrics.md states what that bounds a metric to)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col

from storage.database import Database
from storage.results.retention import RetentionPolicy
from storage.tables.metrics import MetricPoint, MetricProblem, MetricRollup
from storage.vocabulary import Granularity


@dataclass(frozen=True, slots=True)
class MetricRetentionReport:
    points_deleted: int
    rollups_deleted: int
    problems_deleted: int


async def apply_metric_retention(
    db: Database, *, now: datetime, policy: RetentionPolicy
) -> MetricRetentionReport:
    raw_cutoff = now - timedelta(days=policy.raw_days)
    async with db.write(pages=False) as session:
        points = await session.exec(delete(MetricPoint).where(col(MetricPoint.at) < raw_cutoff))
        problems = await session.exec(
            delete(MetricProblem).where(col(MetricProblem.at) < raw_cutoff)
        )
        rollups = 0
        for granularity, days in (
            (Granularity.HOUR, policy.hourly_days),
            (Granularity.DAY, policy.daily_days),
        ):
            done = await session.exec(
                delete(MetricRollup).where(
                    col(MetricRollup.granularity) == granularity,
                    col(MetricRollup.bucket_start) < now - timedelta(days=days),
                )
            )
            rollups += done.rowcount
    return MetricRetentionReport(points.rowcount, rollups, problems.rowcount)
