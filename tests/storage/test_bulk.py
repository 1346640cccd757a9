"""Rows written through the driver are stored exactly as SQLAlchemy would store them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlmodel import col, select, text

from probes.model import ProbeResult
from storage.database import Database
from storage.results.bulk import compile_bulk, driver_time, json_text, sqlite_time
from storage.results.writer import _NATURAL_KEY, _RESULTS, _ROW_NAMES, ResultRecord, _results_insert
from storage.sql import insert_ignoring_duplicates
from storage.tables.monitoring import ProbeResultRow, RollupDirty
from tests.storage.builders import record, result, write

PLUS_TWO = timezone(timedelta(hours=2))
ON_THE_SECOND = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)  # no fraction: still six digits
WITH_FRACTION = datetime(2026, 3, 2, 14, 0, 1, 250_000, tzinfo=PLUS_TWO)  # 12:00:01.25 UTC


async def stored_text(db: Database, sql: str) -> list[tuple[object, ...]]:
    async with db.read() as session:
        return [tuple(row) for row in await session.exec(text(sql))]  # type: ignore[call-overload]


async def test_times_are_stored_as_the_orm_stores_them(db: Database) -> None:
    await write(db, [record(ON_THE_SECOND), record(WITH_FRACTION, component_id="api")])
    async with db.write() as session:
        row = ProbeResultRow(**_orm_fields(record(ON_THE_SECOND + timedelta(hours=1))))
        session.add(row)
    stored = await stored_text(db, "SELECT scheduled_at FROM probe_results ORDER BY scheduled_at")
    if db.dialect == "sqlite":
        assert [value for (value,) in stored] == [
            "2026-03-02 12:00:00.000000",
            "2026-03-02 12:00:01.250000",
            "2026-03-02 13:00:00.000000",  # the ORM's own spelling, for comparison
        ]


async def test_orm_range_queries_find_rows_written_in_bulk(db: Database) -> None:
    await write(db, [record(ON_THE_SECOND), record(WITH_FRACTION)])
    async with db.read() as session:
        found = await session.exec(
            select(col(ProbeResultRow.scheduled_at)).where(
                ProbeResultRow.scheduled_at >= WITH_FRACTION,
                ProbeResultRow.scheduled_at <= WITH_FRACTION,
            )
        )
        assert list(found) == [WITH_FRACTION.astimezone(UTC)]
        hours = await session.exec(select(col(RollupDirty.hour_utc)))
        assert list(hours) == [ON_THE_SECOND]


async def test_a_result_without_dependencies_reads_back_as_none(db: Database) -> None:
    await write(db, [record(ON_THE_SECOND)])
    async with db.read() as session:
        row = (await session.exec(select(ProbeResultRow))).one()
    assert row.dependencies is None


async def test_the_bulk_statement_binds_every_column_of_a_row(db: Database) -> None:
    async with db.read() as session:
        dialect = session.get_bind().dialect
    statement = _results_insert(dialect)
    assert statement.names == _ROW_NAMES
    assert "ON CONFLICT" in statement.sql
    record_row = record(ON_THE_SECOND).row(driver_time(dialect))
    assert len(record_row) == len(_ROW_NAMES)


async def test_names_out_of_the_tables_order_are_refused(db: Database) -> None:
    async with db.read() as session:
        dialect = session.get_bind().dialect
    statement = insert_ignoring_duplicates(dialect.name, _RESULTS, _NATURAL_KEY)
    with pytest.raises(ValueError, match="binds"):
        compile_bulk(statement, dialect, tuple(reversed(_ROW_NAMES)))


def test_json_null_is_spelled_as_sqlalchemy_spells_it() -> None:
    assert json_text(None) == "null"
    assert json_text({"db": "ok", "<b>": "'"}) == '{"db": "ok", "<b>": "\'"}'


def test_a_naive_time_is_refused_rather_than_stored_in_the_wrong_zone() -> None:
    with pytest.raises(ValueError, match="naive"):
        sqlite_time(datetime(2026, 3, 2, 12, 0))


def _orm_fields(r: ResultRecord) -> dict[str, Any]:
    probe: ProbeResult = result(r.scheduled_at)
    return {
        "component_id": r.component_id,
        "region": r.region,
        "scheduled_at": r.scheduled_at,
        "started_at": probe.started_at,
        "status": probe.status.value,
        "latency_ms": probe.latency_ms,
        "within_sla": True,
        "attempts": 1,
    }
