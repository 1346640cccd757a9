"""Retention: old rows go in small batches; status history and unrolled hours stay."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlmodel import select

from storage.database import Database
from storage.results.retention import RetentionPolicy, RetentionReport, apply_retention
from storage.results.rollup import roll_up
from storage.status import record_status_change
from storage.tables.accounts import SignInFailure
from storage.tables.alerts import TokenFailure
from storage.tables.monitoring import ProbeResultRow, Rollup, StatusChange, UnmeasuredRun
from storage.tables.notifications import Notification
from storage.vocabulary import NotificationEvent, NotificationState
from tests.storage.builders import T0, every, record, write

DAY = timedelta(days=1)
POLICY = RetentionPolicy(raw_days=2, hourly_days=4, daily_days=6)


async def count(
    db: Database, model: type[ProbeResultRow | Rollup | StatusChange | UnmeasuredRun]
) -> int:
    async with db.read() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def ten_days_rolled_up(db: Database) -> None:
    """One result a day at noon for ten days, rolled up: 10 raw, 10 hours, 10 days."""
    await write(db, [record(at) for at in every(T0, DAY, 10)])
    await roll_up(db, now=T0 + 10 * DAY, tz=ZoneInfo("UTC"))


async def test_each_kind_of_row_is_kept_for_its_own_number_of_days(db: Database) -> None:
    await ten_days_rolled_up(db)
    report = await apply_retention(db, now=T0 + 9 * DAY + timedelta(hours=1), policy=POLICY)
    assert report == RetentionReport(
        raw_deleted=8, unmeasured_deleted=0, hourly_deleted=6, daily_deleted=4
    )
    assert (await count(db, ProbeResultRow), await count(db, Rollup)) == (2, 4 + 6)


async def test_deleting_in_small_batches_deletes_the_same_rows(db: Database) -> None:
    await ten_days_rolled_up(db)
    report = await apply_retention(
        db, now=T0 + 9 * DAY + timedelta(hours=1), policy=POLICY, batch_size=3
    )
    assert report == RetentionReport(
        raw_deleted=8, unmeasured_deleted=0, hourly_deleted=6, daily_deleted=4
    )


async def test_unmeasured_runs_go_after_as_many_days_as_raw_results(db: Database) -> None:
    await write(db, [record(at, "unknown") for at in every(T0, DAY, 10)])
    report = await apply_retention(db, now=T0 + 9 * DAY + timedelta(hours=1), policy=POLICY)
    assert (report.unmeasured_deleted, await count(db, UnmeasuredRun)) == (8, 2)


async def test_status_history_is_never_deleted(db: Database) -> None:
    await record_status_change(db, "api", "operational", at=T0, source="probe")
    await apply_retention(db, now=T0 + 1000 * DAY, policy=POLICY)
    assert await count(db, StatusChange) == 1


async def test_results_not_yet_rolled_up_are_kept(db: Database) -> None:
    await write(db, [record(at) for at in every(T0, DAY, 10)])
    report = await apply_retention(db, now=T0 + 20 * DAY, policy=POLICY)
    assert (report.raw_deleted, await count(db, ProbeResultRow)) == (0, 10)


def test_a_policy_that_keeps_hours_shorter_than_results_is_refused() -> None:
    with pytest.raises(ValueError, match="raw_days <= hourly_days"):
        RetentionPolicy(raw_days=30, hourly_days=7)


async def test_old_failed_sign_ins_are_forgotten_but_recent_ones_kept(db: Database) -> None:
    async with db.write() as session:
        for days_ago in (200, 91, 89, 1):
            at = T0 - timedelta(days=days_ago)
            session.add(SignInFailure(at=at, user_name="admin", address="198.51.100.7"))
    report = await apply_retention(db, now=T0, policy=RetentionPolicy())
    assert report.sign_in_failures_deleted == 2
    async with db.read() as session:
        kept = sorted((T0 - r.at).days for r in await session.exec(select(SignInFailure)))
    assert kept == [1, 89]


async def test_old_refused_tokens_are_forgotten_but_recent_ones_kept(db: Database) -> None:
    async with db.write() as session:
        for days_ago in (200, 91, 89, 1):
            session.add(TokenFailure(at=T0 - timedelta(days=days_ago), address="198.51.100.7"))
    report = await apply_retention(db, now=T0, policy=RetentionPolicy())
    assert report.token_failures_deleted == 2
    async with db.read() as session:
        kept = sorted((T0 - r.at).days for r in await session.exec(select(TokenFailure)))
    assert kept == [1, 89]


async def test_finished_notifications_are_forgotten_and_waiting_ones_never(db: Database) -> None:
    rows = [
        (200, NotificationState.SENT),
        (200, NotificationState.FAILED),
        (200, NotificationState.PENDING),
        (200, NotificationState.SENDING),
        (89, NotificationState.SENT),
    ]
    async with db.write() as session:
        for days_ago, state in rows:
            at = T0 - timedelta(days=days_ago)
            session.add(
                Notification(
                    channel="incidents",
                    event=NotificationEvent.FIRING,
                    dedup_key=f"k{days_ago}{state}",
                    state=state,
                    next_attempt_at=at,
                    created_at=at,
                    updated_at=at,
                )
            )
    report = await apply_retention(db, now=T0, policy=RetentionPolicy())
    assert report.notifications_deleted == 2
    async with db.read() as session:
        kept = sorted(
            ((T0 - r.created_at).days, r.state) for r in await session.exec(select(Notification))
        )
    assert kept == [
        (89, NotificationState.SENT),
        (200, NotificationState.PENDING),
        (200, NotificationState.SENDING),
    ]
