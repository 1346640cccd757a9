"""Statements whose spelling differs between SQLite and PostgreSQL, and running Core reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.dml import Insert
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


def dialect_insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise ValueError(f"unsupported dialect {dialect!r}")


def insert_ignoring_duplicates(dialect: str, table: Table, keys: Sequence[str]) -> Insert:
    """INSERT that skips rows whose `keys` already exist (ON CONFLICT DO NOTHING)."""
    return dialect_insert(dialect, table).on_conflict_do_nothing(index_elements=list(keys))


def upsert(dialect: str, table: Table, keys: Sequence[str], update: Sequence[str]) -> Insert:
    """INSERT, or on a clash on `keys` overwrite the `update` columns with the new values."""
    statement = dialect_insert(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in update}
    )


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def core_rows(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any] | None = None
) -> Sequence[Any]:
    """The rows of a Core statement (table columns, built once), run on the session's
    connection, in its transaction.

    Pages run a handful of reads per render; through the ORM each costs about 0.5 ms
    of Python before SQLite sees it (building the statement, the ORM's compile and
    result set-up), through here about a quarter of that (docs/page.md, "Issue 18,
    third pass"). Bind the varying values with `bindparam` (`expanding=True` for an
    IN list) so the compiled form is cached once.
    """
    connection = await session.connection()
    return (await connection.execute(statement, params or {})).all()


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a model, for statements built once (`core_rows`)."""
    return SQLModel.metadata.tables[str(model.__tablename__)]
