"""Tables: components, their status history, raw probe results and roll-ups.

Every timestamp is an aware UTC datetime in Python. `UTCDateTime` stores it as
`timestamptz` on PostgreSQL and as a fixed-width naive UTC string on SQLite, whose
text ordering is chronological, so range queries work the same on both.

The migration in `storage/migrations/versions` must create exactly these tables;
`tests/storage/test_migrations.py` compares the two.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    Index,
    Integer,
    LargeBinary,
    TypeDecorator,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

# Named constraints let Alembic's batch mode rebuild SQLite tables and let later
# migrations drop a constraint by name on both databases.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only turns an INTEGER PRIMARY KEY into an auto-incrementing rowid alias;
# PostgreSQL needs 64 bits for a table that grows by millions of rows a day.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class ComponentStatus(enum.StrEnum):
    """The Statuspage component statuses, stored as these strings."""

    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"


class StatusSource(enum.StrEnum):
    """Who set a status: the probe evaluator, an operator, or a maintenance window."""

    PROBE = "probe"
    MANUAL = "manual"
    MAINTENANCE = "maintenance"


class Granularity(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"


def _one_of(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; a naive datetime is a bug and is refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware UTC datetime")
        value = value.astimezone(UTC)
        # SQLite's DATETIME storage has no offset; keep it naive UTC so strings sort.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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
        CheckConstraint(_one_of("new_status", ComponentStatus), name="new_status"),
        CheckConstraint(
            "old_status IS NULL OR " + _one_of("old_status", ComponentStatus), name="old_status"
        ),
        CheckConstraint(_one_of("source", StatusSource), name="source"),
        Index(None, "component_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigId)
    component_id: str = Field(foreign_key="components.id", max_length=100)
    old_status: str | None = Field(default=None, max_length=32)
    new_status: str = Field(max_length=32)
    at: datetime = Field(sa_type=UTCDateTime)
    source: str = Field(max_length=16)
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
    status: str = Field(max_length=8)
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
        CheckConstraint(_one_of("granularity", Granularity), name="granularity"),
        Index(None, "component_id", "granularity", "bucket_start"),
        Index(None, "granularity", "bucket_start"),  # retention
    )

    component_id: str = Field(primary_key=True, foreign_key="components.id", max_length=100)
    region: str = Field(primary_key=True, max_length=64)
    granularity: str = Field(primary_key=True, max_length=8)
    bucket_start: datetime = Field(primary_key=True, sa_type=UTCDateTime)
    up: int = 0
    degraded: int = 0
    down: int = 0
    maintenance: int = 0  # taken while under_maintenance: counted, not in availability
    within_sla: int = 0
    latency_sum_ms: float = 0.0  # over up + degraded results only
    latency_min_ms: float | None = None
    latency_max_ms: float | None = None
    histogram: str = ""  # storage.histogram.encode() of up + degraded latencies


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
    time zone (`storage.running_totals`). Derived data: `storage.day_totals`
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


# The incident and admin tables live in their own module; importing it here
# keeps SQLModel.metadata complete wherever storage.models is imported.
import storage.models_incidents  # noqa: E402, F401
