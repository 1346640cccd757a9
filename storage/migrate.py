"""Schema migrations through Alembic, driven from code (no alembic.ini needed).

`statuspage db upgrade` calls `upgrade_database(url)`. Revisions only ever add or
reshape; a revision that would drop data needs a data-preserving copy step.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database_files import DatabaseFileMissing
from storage.engine import DEFAULT_TIMEOUTS, Timeouts, create_engine
from storage.results.partitions import is_partition

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def in_models(name: str | None, kind: str, parents: object) -> bool:
    """Whether comparing the schema with the models (Alembic's `include_name`) should
    look at this object: the results' day partitions on PostgreSQL are how that one
    table is stored, not tables of their own."""
    return not (kind == "table" and name is not None and is_partition(name))


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "storage/migrations/versions holds no revision"
    return head


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def upgrade_database(
    url: str,
    *,
    revision: str = "head",
    base_dir: Path | None = None,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
) -> None:
    """Bring the database at `url` up to `revision`; a no-op when it is there already.

    Statements run without a time limit (a revision may rewrite a large table);
    connecting and, on SQLite, waiting for another process's lock stay bounded.
    The only place a missing SQLite file is created (`storage.engine`).
    """
    await _with_engine(
        url,
        base_dir,
        timeouts,
        lambda conn: _alembic(conn, command.upgrade, revision),
        create=True,
    )


async def downgrade_database(url: str, *, revision: str, base_dir: Path | None = None) -> None:
    """Step back to `revision` ("base": no tables). Drops data: for tests and rescue only."""
    await _with_engine(
        url, base_dir, DEFAULT_TIMEOUTS, lambda conn: _alembic(conn, command.downgrade, revision)
    )


async def current_revision(
    url: str, *, base_dir: Path | None = None, timeouts: Timeouts = DEFAULT_TIMEOUTS
) -> str | None:
    """The revision the database is at, or None when it was never migrated (a SQLite
    file that does not exist yet, which this does not create)."""
    try:
        return await _with_engine(url, base_dir, timeouts, _read_revision)
    except DatabaseFileMissing as missing:
        if missing.orphaned_wal:
            raise
        return None


def _read_revision(connection: Connection) -> str | None:
    revision: str | None = MigrationContext.configure(connection).get_current_revision()
    return revision


def _alembic(connection: Connection, run: Callable[..., None], revision: str) -> None:
    if connection.dialect.name == "sqlite":
        # Batch migrations copy and rename tables; with foreign keys enforced that
        # would cascade or fail. The pragma is ignored inside a transaction, so
        # set it on the raw connection before Alembic begins one.
        dbapi_connection = connection.connection.dbapi_connection
        assert dbapi_connection is not None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()
    config = alembic_config()
    config.attributes["connection"] = connection
    run(config, revision)
    connection.commit()


async def _with_engine(
    url: str,
    base_dir: Path | None,
    timeouts: Timeouts,
    work: Callable[[Connection], T],
    *,
    create: bool = False,
) -> T:
    engine: AsyncEngine = create_engine(
        url, base_dir=base_dir, timeouts=timeouts, for_migrations=True, create=create
    )
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(work)
    finally:
        # The pool may hold a connection with foreign keys off: never reuse it.
        await engine.dispose()
