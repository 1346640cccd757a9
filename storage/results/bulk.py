"""Bulk INSERTs handed straight to the database driver: compiled once, rows as tuples.

SQLAlchemy converts every bound value of every row in Python, through each
column's type processors, on the event loop's thread: for the result writer,
7-14 ms per batch of 500 rows, during which no probe response is read. Here a
statement is compiled once per dialect, the caller puts values in the driver's
form itself (`driver_time`, `json_text`), and the rows go to the driver's `executemany` in
one call, which for SQLite also means one hop to its thread.

The stored forms must be exactly what SQLAlchemy would store, or range queries
written through the ORM would miss rows: `tests/storage/test_bulk.py` holds them
to that.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql.dml import Insert
from sqlmodel.ext.asyncio.session import AsyncSession


@dataclass(frozen=True, slots=True)
class BulkStatement:
    sql: str
    names: tuple[str, ...]  # each row is a tuple of these values, in this order


def compile_bulk(statement: Insert, dialect: Dialect, names: Sequence[str]) -> BulkStatement:
    """`statement` as driver SQL binding each row's values by position, in `names` order."""
    compiled = statement.compile(dialect=dialect, column_keys=list(names))
    order = tuple(compiled.positiontup or ())
    if not compiled.positional or order != tuple(names):
        # The VALUES follow the table's column order: list `names` in that order.
        raise ValueError(f"{dialect.name}: binds {order}, not {tuple(names)}")
    return BulkStatement(compiled.string, order)


async def execute_bulk(
    session: AsyncSession, statement: BulkStatement, rows: Sequence[tuple[Any, ...]]
) -> None:
    connection = await session.connection()
    await connection.exec_driver_sql(statement.sql, list(rows))


TimeToDriver = Callable[[datetime], object]


def driver_time(dialect: Dialect) -> TimeToDriver:
    """How the dialect's driver takes the datetimes `UTCDateTime` would convert."""
    if dialect.name == "sqlite":
        return sqlite_time
    if dialect.name == "postgresql":
        return _aware_utc
    raise ValueError(f"unsupported dialect {dialect.name!r}")


def json_text(value: object) -> str:
    """JSON as SQLAlchemy's JSON type stores it on both databases; None is the
    JSON text 'null' (its default, none_as_null=False), without json.dumps."""
    return "null" if value is None else json.dumps(value)


def sqlite_time(value: datetime) -> str:
    """The text `UTCDateTime` stores on SQLite: naive UTC, always six fraction digits."""
    if value.tzinfo is not UTC:  # probes stamp datetime.now(UTC): no conversion then
        value = _aware_utc(value).astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _aware_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: pass an aware UTC datetime")
    return value
