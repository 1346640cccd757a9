"""Deleting old metric points, roll-ups and problems, by the storage retention settings:
points and problems after the raw days, hour roll-ups after the hourly days, day
roll-ups after the daily days (docs/metrics.md states what that bounds a metric to)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col, select

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
    async with db.read() as session:
        # Every metric with points has an hour roll-up: a small table to list them from.
        metric_ids = (await session.exec(select(MetricRollup.metric_id).distinct())).all()
    async with db.write(pages=False) as session:
        points_deleted = 0
        for metric_id in metric_ids:  # by the primary key, one metric at a time
            done = await session.exec(
                delete(MetricPoint).where(
                    col(MetricPoint.metric_id) == metric_id, col(MetricPoint.at) < raw_cutoff
                )
            )
            points_deleted += done.rowcount
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
    return MetricRetentionReport(points_deleted, rollups, problems.rowcount)
