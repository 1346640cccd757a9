"""ResultWriter: batches, flushes, bounds its buffer and never loses a committed result."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from storage.database import Database
from storage.results.writer import CATCH_UP_FACTOR, ResultRecord, ResultWriter
from storage.tables.monitoring import ProbeResultRow, RollupDirty, UnmeasuredRun
from tests.storage.builders import T0, every, record

SECOND = timedelta(seconds=1)


async def stored(db: Database) -> int:
    async with db.read() as session:
        return (await session.exec(select(func.count()).select_from(ProbeResultRow))).one()


async def until_written(writer: ResultWriter, count: int) -> None:
    async with asyncio.timeout(5):
        while writer.written < count:
            await asyncio.sleep(0.01)


def submit_many(writer: ResultWriter, count: int, *, start_s: int = 0) -> None:
    for at in every(T0 + start_s * SECOND, SECOND, count):
        writer.submit(record(at))


async def test_flush_writes_everything_buffered_in_batches(db: Database) -> None:
    writer = ResultWriter(db, batch_size=10)
    submit_many(writer, 25)
    assert await writer.flush() == 25
    assert (writer.written, writer.pending, await stored(db)) == (25, 0, 25)


async def test_an_unmeasured_run_is_kept_apart_from_the_targets_results(db: Database) -> None:
    writer = ResultWriter(db)
    for at, status in zip(every(T0, SECOND, 3), ["up", "unknown", "down"], strict=True):
        writer.submit(record(at, status))
    assert await writer.flush() == 3
    async with db.read() as session:
        results = (await session.exec(select(ProbeResultRow.status))).all()
        unmeasured = (await session.exec(select(UnmeasuredRun))).one()
        dirty = (await session.exec(select(func.count()).select_from(RollupDirty))).one()
    assert sorted(results) == ["down", "up"]
    assert (unmeasured.scheduled_at, unmeasured.reason) == (
        T0 + SECOND,
        "not measured: too many open files on the prober",
    )
    assert dirty == 1  # only the measured results' hour waits for a roll-up


async def test_an_unmeasured_run_retried_after_a_lost_commit_is_stored_once(
    db: Database,
) -> None:
    writer = ResultWriter(db)
    writer.submit(record(T0, "unknown"))
    writer.submit(record(T0, "unknown"))
    await writer.flush()
    async with db.read() as session:
        assert (await session.exec(select(func.count()).select_from(UnmeasuredRun))).one() == 1


async def test_a_stored_row_keeps_every_field_of_the_result(db: Database) -> None:
    writer = ResultWriter(db)
    writer.submit(record(T0, "down", 1234.5))
    await writer.flush()
    async with db.read() as session:
        row = (await session.exec(select(ProbeResultRow))).one()
    assert (row.component_id, row.region, row.scheduled_at, row.started_at) == (
        "api",
        "default",
        T0,
        T0,
    )
    assert (row.status, row.latency_ms, row.http_status, row.error) == (
        "down",
        1234.5,
        None,
        "connection refused",
    )
    assert (row.dns_ms, row.connect_ms, row.tls_ms, row.within_sla) == (1.0, 2.0, None, False)


async def test_writing_marks_the_utc_hours_for_the_roll_up_job(db: Database) -> None:
    writer = ResultWriter(db)
    for at in (T0, T0 + timedelta(minutes=59), T0 + timedelta(hours=2)):
        writer.submit(record(at))
    await writer.flush()
    async with db.read() as session:
        hours = (await session.exec(select(RollupDirty.hour_utc))).all()
    assert sorted(hours) == [T0, T0 + timedelta(hours=2)]


async def test_the_background_loop_writes_a_partial_batch_after_the_interval(db: Database) -> None:
    writer = ResultWriter(db, batch_size=500, flush_interval_s=0.05)
    writer.start()
    submit_many(writer, 3)
    await until_written(writer, 3)
    await writer.close()
    assert await stored(db) == 3


async def test_close_writes_what_is_still_buffered(db: Database) -> None:
    writer = ResultWriter(db, batch_size=100, flush_interval_s=60)
    writer.start()
    submit_many(writer, 42)
    await writer.close()
    assert (writer.pending, await stored(db)) == (0, 42)


async def test_a_full_buffer_drops_the_oldest_results_and_counts_them(db: Database) -> None:
    writer = ResultWriter(db, batch_size=2, max_buffer=5)
    submit_many(writer, 8)
    assert (writer.pending, writer.dropped) == (5, 3)
    await writer.flush()
    async with db.read() as session:
        kept = (await session.exec(select(ProbeResultRow.scheduled_at))).all()
    assert sorted(kept) == every(T0 + 3 * SECOND, SECOND, 5)


async def test_a_result_written_twice_is_stored_once(db: Database) -> None:
    writer = ResultWriter(db)
    writer.submit(record(T0))
    writer.submit(record(T0))
    await writer.flush()
    assert await stored(db) == 1


async def test_a_result_for_an_unknown_component_is_rejected_without_holding_back_others(
    db: Database,
) -> None:
    writer = ResultWriter(db)
    writer.submit(record(T0, component_id="nope"))
    submit_many(writer, 3, start_s=1)
    assert await writer.flush() == 3
    assert (writer.rejected, writer.pending, await stored(db)) == (1, 0, 3)
    assert writer.last_error is not None
    assert "nope" in writer.last_error


async def test_a_failed_write_keeps_the_results_buffered_until_the_database_is_back(
    db: Database,
) -> None:
    writer = ResultWriter(db, retry_initial_s=0.01, retry_max_s=0.02, flush_interval_s=0.01)
    await _rename(db, "probe_results", "results_away")
    writer.start()
    submit_many(writer, 10)
    async with asyncio.timeout(5):
        while writer.last_error is None:
            await asyncio.sleep(0.01)
    assert (writer.pending, writer.written) == (10, 0)
    await _rename(db, "results_away", "probe_results")
    await writer.close()
    assert (writer.pending, writer.written, await stored(db)) == (0, 10, 10)


async def _rename(db: Database, old: str, new: str) -> None:
    async with db.write() as session:
        await session.exec(text(f"ALTER TABLE {old} RENAME TO {new}"))  # type: ignore[call-overload]


async def test_submitting_after_close_is_an_error(db: Database) -> None:
    writer = ResultWriter(db)
    await writer.close()
    with pytest.raises(RuntimeError, match="closed"):
        writer.submit(record(T0))


class CountingWriter(ResultWriter):
    """Records the size of every transaction the writer commits."""

    def __init__(self, db: Database, **options: int) -> None:
        super().__init__(db, **options)
        self.transactions: list[int] = []

    async def _insert(self, records: list[ResultRecord]) -> None:
        await super()._insert(records)
        self.transactions.append(len(records))


async def test_a_writer_that_is_behind_catches_up_in_larger_transactions(db: Database) -> None:
    writer = CountingWriter(db, batch_size=10)
    submit_many(writer, 100)
    assert await writer.flush() == 100
    # 100 pending is behind: 80 at once; the 20 left are still two batches behind.
    assert writer.transactions == [10 * CATCH_UP_FACTOR, 20]
    assert await stored(db) == 100


class BusyWriter(CountingWriter):
    """New results arrive while each transaction is written, as they do in service."""

    def __init__(self, db: Database, **options: int) -> None:
        super().__init__(db, **options)
        self.arrived = 0

    async def _insert(self, records: list[ResultRecord]) -> None:
        await super()._insert(records)
        submit_many(self, 3, start_s=1000 + self.arrived)
        self.arrived += 3


async def test_a_flush_writes_what_was_buffered_and_leaves_what_arrived_meanwhile(
    db: Database,
) -> None:
    writer = BusyWriter(db, batch_size=10)
    submit_many(writer, 15)
    # The second batch takes the 5 left and the 3 that came during the first; the 3
    # that come during the second wait. Chasing them would never stop here.
    async with asyncio.timeout(10):
        assert await writer.flush() == 18
    assert writer.transactions == [10, 8]
    assert writer.pending == 3


async def test_the_background_loop_writes_a_full_batch_at_once_and_no_partial_one_early(
    db: Database,
) -> None:
    writer = CountingWriter(db, batch_size=5, flush_interval_s=60)
    writer.start()
    submit_many(writer, 7)
    await until_written(writer, 5)
    await asyncio.sleep(0.1)  # time enough for a partial batch to have gone, if it would
    assert (writer.transactions, writer.pending) == ([5], 2)
    await writer.close()
    assert (writer.transactions, await stored(db)) == ([5, 2], 7)
