"""The roll-up work queue: UTC hours of a component and region whose results changed."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Table, literal_column
from sqlalchemy.engine import Dialect
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.results.bulk import BulkStatement, compile_bulk, driver_time, execute_bulk
from storage.sql import dialect_insert
from storage.tables.monitoring import RollupDirty

DirtyKey = tuple[str, str, datetime]  # component_id, region, UTC hour

_TABLE: Table = SQLModel.metadata.tables[RollupDirty.__tablename__]


async def mark_dirty(session: AsyncSession, keys: Iterable[DirtyKey]) -> None:
    """Queue hours for the roll-up job, in the caller's transaction.

    Keys are written in sorted order so that two transactions marking
    overlapping hours lock rows in the same order and cannot deadlock.
    """
    dialect = session.get_bind().dialect
    time = driver_time(dialect)
    rows = [(c, r, time(h), 0) for c, r, h in sorted(set(keys))]
    if rows:
        await execute_bulk(session, _mark_statement(dialect), rows)


@functools.cache
def _mark_statement(dialect: Dialect) -> BulkStatement:
    statement = dialect_insert(dialect.name, _TABLE)
    statement = statement.on_conflict_do_update(
        index_elements=["component_id", "region", "hour_utc"],
        # A literal, not a bound 1: the compiled statement binds only row values.
        set_={"generation": _TABLE.c.generation + literal_column("1")},
    )
    return compile_bulk(statement, dialect, ("component_id", "region", "hour_utc", "generation"))
