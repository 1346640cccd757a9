"""Monitoring tables: components, their status history, raw probe results, unmeasured
runs, roll-ups, the roll-up work queue and day totals.

The migrations in `storage/migrations/versions` must create exactly these tables
(with the rest of `storage.tables`); `tests/storage/test_migrations.py` compares.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from probes.model import ProbeStatus
from storage.tables.base import BigId, EnumText, UTCDateTime, one_of
from storage.vocabulary import ComponentStatus, Granularity, StatusSource


class Component(SQLModel, table=True):
    """A thing shown on the page. Removed from config: archived, never deleted."""

    __tablename__ = "components"

    id: str = Field(primary_key=True, max_length=100)  # stable slug from config
    name: str = Field(max_length=200)
    group_name: str | None = Field(default=None, max_length=200)
    position: int = 0
    description: str | None = None
    sla_ms: float | None = None  # None for manual components, which are never probed
    probed: bool = False
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    archived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StatusChange(SQLModel, table=True):
    """One status flip. A component's status at any moment is read from these rows."""

    __tablename__ = "status_changes"
    __table_args__ = (
        CheckConstraint(one_of("new_status", ComponentStatus), name="new_status"),
        CheckConstraint(
            "old_status IS NULL OR " + one_of("old_status", ComponentStatus), name="old_status"
        ),
        CheckConstraint(one_of("source", StatusSource), name="source"),
        Index(None, "component_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    component_id: str = Field(foreign_key="components.id", max_length=100)
    old_status: ComponentStatus | None = Field(default=None, sa_type=EnumText(ComponentStatus, 32))
    new_status: ComponentStatus = Field(sa_type=EnumText(ComponentStatus, 32))
    at: datetime = Field(sa_type=UTCDateTime)
    source: StatusSource = Field(sa_type=EnumText(StatusSource, 16))
    reason: str | None = None
    incident_update_id: int | None = None  # the FK arrives with the incidents tables


class ProbeResultRow(SQLModel, table=True):
    """One probe result. (component, region, scheduled_at) names it, so a retried
    batch that did commit the first time inserts nothing twice."""

    __tablename__ = "probe_results"
    __table_args__ = (
        CheckConstraint("status IN ('up', 'degraded', 'down')", name="status"),
        UniqueConstraint("component_id", "region", "scheduled_at"),
        Index(None, "scheduled_at"),  # retention deletes by age across all components
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    component_id: str = Field(foreign_key="components.id", max_length=100)
    region: str = Field(default="default", max_length=64)
    scheduled_at: datetime = Field(sa_type=UTCDateTime)  # decides the roll-up bucket
    started_at: datetime = Field(sa_type=UTCDateTime)
    status: ProbeStatus = Field(sa_type=EnumText(ProbeStatus, 8))
    latency_ms: float  # always set by the probe, also for a failure (time until it failed)
    dns_ms: float | None = None
    connect_ms: float | None = None
    tls_ms: float | None = None
    ttfb_ms: float | None = None
    http_status: int | None = None
    error: str | None = None
    within_sla: bool = False
    attempts: int = 1
    dependencies: dict[str, str] | None = Field(default=None, sa_type=JSON)


class UnmeasuredRun(SQLModel, table=True):
    """A probe run that measured nothing because the prober itself failed (no file
    descriptors, no memory, a stalled event loop). Kept apart from `probe_results`, so
    no figure, roll-up or status decision can ever count it as the target's."""

    __tablename__ = "unmeasured_runs"
    __table_args__ = (
        UniqueConstraint("component_id", "region", "scheduled_at"),
        Index(None, "scheduled_at"),  # retention, and "how many lately" for the alert
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    component_id: str = Field(foreign_key="components.id", max_length=100)
    region: str = Field(default="default", max_length=64)
    scheduled_at: datetime = Field(sa_type=UTCDateTime)
    started_at: datetime = Field(sa_type=UTCDateTime)
    reason: str = Field(max_length=200)


class Rollup(SQLModel, table=True):
    """Counts and a latency histogram for one component, region and hour or day.

    Hour buckets start on the site time zone's wall-clock hours (UTC hours for
    whole-hour offsets), so each day bucket is exactly the sum of its hours.
    """

    __tablename__ = "rollups"
    __table_args__ = (
        CheckConstraint(one_of("granularity", Granularity), name="granularity"),
        Index(None, "component_id", "granularity", "bucket_start"),
        Index(None, "granularity", "bucket_start"),  # retention
    )

    component_id: str = Field(primary_key=True, foreign_key="components.id", max_length=100)
    region: str = Field(primary_key=True, max_length=64)
    granularity: Granularity = Field(primary_key=True, sa_type=EnumText(Granularity, 8))
    bucket_start: datetime = Field(primary_key=True, sa_type=UTCDateTime)
    up: int = 0
    degraded: int = 0
    down: int = 0
    maintenance: int = 0  # taken while under_maintenance: counted, not in availability
    within_sla: int = 0
    latency_sum_ms: float = 0.0  # over up + degraded results only
    latency_min_ms: float | None = None
    latency_max_ms: float | None = None
    histogram: str = ""  # storage.figures.histogram.encode() of up + degraded latencies


class RollupDirty(SQLModel, table=True):
    """Work queue for the roll-up job: a UTC hour that got new results.

    The writer bumps `generation` in the same transaction as the results; the
    job deletes a row only if the generation is still the one it read, so a
    result committed while the job runs is never forgotten.
    """

    __tablename__ = "rollup_dirty"

    component_id: str = Field(primary_key=True, max_length=100)
    region: str = Field(primary_key=True, max_length=64)
    hour_utc: datetime = Field(primary_key=True, sa_type=UTCDateTime)
    generation: int = 0


class DayTotals(SQLModel, table=True):
    """Running totals of a component's day roll-ups in one region, for one site
    time zone (`storage.figures.running_totals`). Derived data: `storage.results.day_totals`
    rebuilds it from the roll-ups in the transaction that changes them.

    Covers the site-local days [first_day, end_day); later days are read from
    the day roll-ups themselves.
    """

    __tablename__ = "day_totals"

    component_id: str = Field(primary_key=True, foreign_key="components.id", max_length=100)
    region: str = Field(primary_key=True, max_length=64)
    time_zone: str = Field(max_length=64)
    first_day: date
    end_day: date
    running: bytes = Field(sa_type=LargeBinary)
