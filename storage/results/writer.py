"""Buffered, batched writing of probe results (the buffer: `storage/buffered.py`).

The scheduler calls `submit()`, which never waits on the database. A background
loop writes the buffer in batches. A result leaves the buffer only after the
transaction holding it has committed, so a database outage, a killed
connection or a crash loses only what was never acknowledged; the writer retries
with backoff until the database answers again.

A batch that is retried after a commit whose acknowledgement was lost inserts
nothing twice: (component, region, scheduled_at) is unique and duplicates are
skipped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, text
from sqlalchemy.engine import Dialect
from sqlmodel import SQLModel
from typing_extensions import Unpack

from probes.model import ProbeResult, ProbeStatus
from storage.buffered import CATCH_UP_FACTOR, BufferedWriter, WriterOptions
from storage.database import Database
from storage.figures.timebuckets import utc_hour
from storage.results.announce import CHANNEL, Announced, announced, payloads
from storage.results.bulk import (
    BulkStatement,
    TimeToDriver,
    compile_bulk,
    driver_time,
    execute_bulk,
    json_text,
)
from storage.results.dirty import mark_dirty
from storage.sql import insert_ignoring_duplicates
from storage.tables.monitoring import ProbeResultRow, UnmeasuredRun

_RESULTS: Table = SQLModel.metadata.tables[ProbeResultRow.__tablename__]
_UNMEASURED: Table = SQLModel.metadata.tables[UnmeasuredRun.__tablename__]
_NATURAL_KEY = ("component_id", "region", "scheduled_at")
__all__ = ["CATCH_UP_FACTOR", "ResultRecord", "ResultWriter"]


@dataclass(frozen=True, slots=True)
class ResultRecord:
    """A probe result and where it belongs: which component, region and schedule slot."""

    component_id: str
    region: str
    scheduled_at: datetime
    result: ProbeResult

    def row(self, time: TimeToDriver) -> tuple[object, ...]:
        """The row to insert, in `_ROW_NAMES` order, its values in the driver's form."""
        result, phases = self.result, self.result.phases
        return (
            self.component_id,
            self.region,
            time(self.scheduled_at),
            time(result.started_at),
            result.status.value,
            result.latency_ms,
            phases.dns_ms,
            phases.connect_ms,
            phases.tls_ms,
            phases.ttfb_ms,
            result.http_status,
            result.error,
            result.within_sla,
            result.attempts,
            json_text(dict(result.dependencies) or None),
        )


_ROW_NAMES = (  # the values of ResultRecord.row(), in the table's column order
    "component_id",
    "region",
    "scheduled_at",
    "started_at",
    "status",
    "latency_ms",
    "dns_ms",
    "connect_ms",
    "tls_ms",
    "ttfb_ms",
    "http_status",
    "error",
    "within_sla",
    "attempts",
    "dependencies",
)


@functools.cache
def _results_insert(dialect: Dialect) -> BulkStatement:
    statement = insert_ignoring_duplicates(dialect.name, _RESULTS, _NATURAL_KEY)
    return compile_bulk(statement, dialect, _ROW_NAMES)


_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


def _announced(record: ResultRecord) -> Announced:
    result = record.result
    return announced(
        record.component_id,
        record.region,
        record.scheduled_at,
        result.status is ProbeStatus.DOWN,
        result.latency_ms,
        result.within_sla,
    )


def _unmeasured_row(record: ResultRecord) -> dict[str, object]:
    return {
        "component_id": record.component_id,
        "region": record.region,
        "scheduled_at": record.scheduled_at,
        "started_at": record.result.started_at,
        "reason": (record.result.error or "not measured")[:200],
    }


class ResultWriter(BufferedWriter[ResultRecord]):
    """The buffer's counters (`BufferedWriter`), and `listeners`: called with the
    measured results of each batch once it has committed (the alert evaluator in
    this process); a listener must not block."""

    noun = "results"

    def __init__(self, db: Database, **options: Unpack[WriterOptions]) -> None:
        super().__init__(db, **options)
        self.listeners: list[Callable[[Sequence[Announced]], None]] = []

    def submit(self, record: ResultRecord) -> None:
        """Buffer a result; never blocks. When the buffer is full the oldest goes."""
        if record.scheduled_at.tzinfo is None or record.result.started_at.tzinfo is None:
            raise ValueError(f"{record.component_id}: result times must be timezone-aware")
        super().submit(record)

    def newest_pending(self) -> dict[str, datetime]:
        """Component -> start of its newest measured result still buffered: results on
        their way (a database outage holds them), for the judge of freshness in this
        process. Unmeasured runs are left out, as they are once written."""
        newest: dict[str, datetime] = {}
        for record in self.buffered():
            if record.result.status is ProbeStatus.UNKNOWN:
                continue
            started = record.result.started_at
            if record.component_id not in newest or started > newest[record.component_id]:
                newest[record.component_id] = started
        return newest

    def _describe(self, record: ResultRecord) -> str:
        return f"result for {record.component_id!r}"

    async def _insert(self, records: list[ResultRecord]) -> None:
        measured = [r for r in records if r.result.status is not ProbeStatus.UNKNOWN]
        unmeasured = [r for r in records if r.result.status is ProbeStatus.UNKNOWN]
        news = [_announced(r) for r in measured]
        async with self._db.write(pages=False) as session:
            dialect = session.get_bind().dialect
            if measured:
                time = driver_time(dialect)
                rows = [r.row(time) for r in measured]
                await execute_bulk(session, _results_insert(dialect), rows)
                await mark_dirty(
                    session,
                    ((r.component_id, r.region, utc_hour(r.scheduled_at)) for r in measured),
                )
                if dialect.name == "postgresql":  # delivered at commit, to every listener
                    connection = await session.connection()
                    for payload in payloads(news):
                        await connection.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})
            if unmeasured:  # rare: the prober failed; the plain ORM path is fast enough
                statement = insert_ignoring_duplicates(dialect.name, _UNMEASURED, _NATURAL_KEY)
                await session.exec(statement, params=[_unmeasured_row(r) for r in unmeasured])
        for listener in self.listeners if news else ():
            listener(news)
