"""The roll-up work queue: UTC hours of a component and region whose results changed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Table
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import RollupDirty
from storage.sql import dialect_insert, dialect_of

DirtyKey = tuple[str, str, datetime]  # component_id, region, UTC hour

_TABLE: Table = SQLModel.metadata.tables[RollupDirty.__tablename__]


async def mark_dirty(session: AsyncSession, keys: Iterable[DirtyKey]) -> None:
    """Queue hours for the roll-up job, in the caller's transaction.

    Keys are written in sorted order so that two transactions marking
    overlapping hours lock rows in the same order and cannot deadlock.
    """
    rows = [
        {"component_id": c, "region": r, "hour_utc": h, "generation": 0}
        for c, r, h in sorted(set(keys))
    ]
    if not rows:
        return
    statement = dialect_insert(dialect_of(session), _TABLE)
    statement = statement.on_conflict_do_update(
        index_elements=["component_id", "region", "hour_utc"],
        set_={"generation": _TABLE.c.generation + 1},
    )
    await session.exec(statement, params=rows)
