"""Metric tables: the application's own metrics (docs/metrics.md): points, their hour
and day roll-ups, and the problems that kept a value from being stored.

A point is named by (metric, time), so a pushed batch sent twice, or a scrape written
again after a database outage, stores each point once (the later value wins). Roll-ups
are rebuilt for the hours and days a write touched, in the same transaction, so they
never disagree with the points they summarise.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from storage.tables.base import BigId, EnumText, UTCDateTime, one_of
from storage.vocabulary import Granularity, MetricProblemSide


class MetricPoint(SQLModel, table=True):
    # WITHOUT ROWID on SQLite: the row lives in its primary key's b-tree, so the metric
    # and time are stored once, not in the table and again in the key's index (half
    # the bytes a point, docs/metrics.md). Retention deletes by the key, per metric.
    __tablename__ = "metric_points"
    __table_args__ = {"sqlite_with_rowid": False}

    metric_id: str = Field(primary_key=True, max_length=100)
    at: datetime = Field(primary_key=True, sa_type=UTCDateTime)
    value: float


class MetricRollup(SQLModel, table=True):
    """Count, sum, min and max of a metric's points in one UTC hour or day."""

    __tablename__ = "metric_rollups"
    __table_args__ = (
        CheckConstraint(one_of("granularity", Granularity), name="granularity"),
        Index(None, "granularity", "bucket_start"),  # retention
    )

    metric_id: str = Field(primary_key=True, max_length=100)
    granularity: Granularity = Field(primary_key=True, sa_type=EnumText(Granularity, 8))
    bucket_start: datetime = Field(primary_key=True, sa_type=UTCDateTime)
    count: int
    total: float
    minimum: float
    maximum: float


class MetricProblem(SQLModel, table=True):
    """Why a scrape or a query gave no value: the target's fault (a malformed
    exposition, NaN, no series) or ours (a timeout on our side, no connection slot).
    Kept apart from the points, so a failure is never a value."""

    __tablename__ = "metric_problems"
    __table_args__ = (
        CheckConstraint(one_of("side", MetricProblemSide), name="side"),
        Index(None, "metric_id", "at"),
        Index(None, "at"),  # retention
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    metric_id: str = Field(max_length=100)
    at: datetime = Field(sa_type=UTCDateTime)
    side: MetricProblemSide = Field(sa_type=EnumText(MetricProblemSide, 8))
    message: str = Field(max_length=300)
