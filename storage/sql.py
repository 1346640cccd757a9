"""Statements whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
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
