"""Deleting old results and roll-ups in small batches. Status history is kept forever.

On PostgreSQL raw results older than the cut-off go a whole UTC day at a time where
the day has a partition (`storage/results/partitions.py`); what is left (the day
holding the cut-off, old rows in the DEFAULT partition, and everything on SQLite)
is deleted row by row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, delete, func, tuple_
from sqlmodel import SQLModel, select

from storage.database import Database
from storage.results.partitions import drop_partitions_before
from storage.subscribers.writes import forget_unconfirmed
from storage.tables.accounts import SignInFailure
from storage.tables.alerts import TokenFailure
from storage.tables.monitoring import ProbeResultRow, Rollup, RollupDirty, UnmeasuredRun
from storage.tables.notifications import Notification
from storage.vocabulary import Granularity, NotificationState

_RESULTS: Table = SQLModel.metadata.tables[ProbeResultRow.__tablename__]
_UNMEASURED: Table = SQLModel.metadata.tables[UnmeasuredRun.__tablename__]
_ROLLUPS: Table = SQLModel.metadata.tables[Rollup.__tablename__]
_FAILURES: Table = SQLModel.metadata.tables[SignInFailure.__tablename__]
_TOKEN_FAILURES: Table = SQLModel.metadata.tables[TokenFailure.__tablename__]
_NOTIFICATIONS: Table = SQLModel.metadata.tables[Notification.__tablename__]
_FINISHED = (NotificationState.SENT.value, NotificationState.FAILED.value)


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """Days to keep each kind of row. A 365-day window needs daily_days >= 366."""

    raw_days: int = 14
    hourly_days: int = 90
    daily_days: int = 400
    # Failed sign-ins and refused API tokens only matter for throttling and alerting
    # (minutes) and for reviewing an attack; without a limit the tables grow as fast
    # as an attacker can knock.
    sign_in_failure_days: int = 90
    # Delivered or abandoned notifications: the delivery log's history. Messages
    # still waiting or being sent are never deleted.
    notification_days: int = 90
    # Email subscriptions nobody confirmed: their link has expired by then.
    unconfirmed_subscriber_hours: int = 72

    def __post_init__(self) -> None:
        # Days are summed from hours and hours from raw results while they may
        # still change, so each level must outlive the one below it.
        if not 1 <= self.raw_days <= self.hourly_days <= self.daily_days:
            raise ValueError("need 1 <= raw_days <= hourly_days <= daily_days")


@dataclass(frozen=True, slots=True)
class RetentionReport:
    raw_deleted: int
    unmeasured_deleted: int
    hourly_deleted: int
    daily_deleted: int
    sign_in_failures_deleted: int = 0
    token_failures_deleted: int = 0
    notifications_deleted: int = 0
    unconfirmed_subscribers_deleted: int = 0
    # Day partitions of raw results dropped whole (PostgreSQL). Their rows are not in
    # raw_deleted: counting them would read the whole day that dropping spares.
    raw_partitions_dropped: int = 0


async def apply_retention(
    db: Database, *, now: datetime, policy: RetentionPolicy, batch_size: int = 5000
) -> RetentionReport:
    """Delete what the policy no longer keeps, `batch_size` rows per transaction."""
    raw, partitions = await _retire_raw_results(
        db, await _raw_cutoff(db, now - timedelta(days=policy.raw_days)), batch_size
    )
    hourly = await _delete_rollups(
        db, Granularity.HOUR, now - timedelta(days=policy.hourly_days), batch_size
    )
    daily = await _delete_rollups(
        db, Granularity.DAY, now - timedelta(days=policy.daily_days), batch_size
    )

    def by_id(table: Table, where: ColumnElement[bool]) -> Awaitable[int]:
        return _delete_in_batches(db, table, (table.c.id,), where, batch_size)

    def days_ago(days: int) -> datetime:
        return now - timedelta(days=days)

    unmeasured = await by_id(_UNMEASURED, _UNMEASURED.c.scheduled_at < days_ago(policy.raw_days))
    failures = await by_id(_FAILURES, _FAILURES.c.at < days_ago(policy.sign_in_failure_days))
    tokens = await by_id(
        _TOKEN_FAILURES, _TOKEN_FAILURES.c.at < days_ago(policy.sign_in_failure_days)
    )
    notifications = await by_id(
        _NOTIFICATIONS,
        (_NOTIFICATIONS.c.created_at < days_ago(policy.notification_days))
        & _NOTIFICATIONS.c.state.in_(_FINISHED),
    )
    unconfirmed = await forget_unconfirmed(
        db, older_than=now - timedelta(hours=policy.unconfirmed_subscriber_hours)
    )
    return RetentionReport(
        raw_deleted=raw,
        unmeasured_deleted=unmeasured,
        hourly_deleted=hourly,
        daily_deleted=daily,
        sign_in_failures_deleted=failures,
        token_failures_deleted=tokens,
        notifications_deleted=notifications,
        unconfirmed_subscribers_deleted=unconfirmed,
        raw_partitions_dropped=partitions,
    )


async def _retire_raw_results(db: Database, cutoff: datetime, batch_size: int) -> tuple[int, int]:
    """Whole day partitions first (PostgreSQL), then the rest row by row: (rows
    deleted, partitions dropped)."""
    dropped = await drop_partitions_before(db, cutoff)
    where = _RESULTS.c.scheduled_at < cutoff
    return await _delete_in_batches(db, _RESULTS, (_RESULTS.c.id,), where, batch_size), len(dropped)


async def _raw_cutoff(db: Database, cutoff: datetime) -> datetime:
    """Never delete results of an hour the roll-up job has not handled yet."""
    async with db.read() as session:
        oldest_dirty = (await session.exec(select(func.min(RollupDirty.hour_utc)))).first()
    return cutoff if oldest_dirty is None else min(cutoff, oldest_dirty)


async def _delete_rollups(
    db: Database, granularity: Granularity, cutoff: datetime, batch_size: int
) -> int:
    key = (
        _ROLLUPS.c.component_id,
        _ROLLUPS.c.region,
        _ROLLUPS.c.granularity,
        _ROLLUPS.c.bucket_start,
    )
    condition = (_ROLLUPS.c.granularity == granularity.value) & (_ROLLUPS.c.bucket_start < cutoff)
    return await _delete_in_batches(db, _ROLLUPS, key, condition, batch_size)


async def _delete_in_batches(
    db: Database,
    table: Table,
    key: tuple[ColumnElement[object], ...],
    condition: ColumnElement[bool],
    batch_size: int,
) -> int:
    deleted = 0
    while True:
        chosen = select(*key).where(condition).limit(batch_size)
        async with db.write() as session:
            # The condition again outside: PostgreSQL then prunes the partitions
            # wholly outside it instead of probing each for the chosen keys.
            result = await session.exec(delete(table).where(condition, tuple_(*key).in_(chosen)))
        deleted += result.rowcount
        if result.rowcount < batch_size:
            return deleted
        await asyncio.sleep(0)  # short transactions, and a turn for the writer in between
