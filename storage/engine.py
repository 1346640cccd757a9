"""Turn a configured database URL into an async engine with the right settings.

SQLite is tuned for one process that writes in batches while pages read:

- `journal_mode=WAL`: readers never block the writer and the writer never blocks
  readers.
- `synchronous=FULL`: every commit fsyncs the WAL before it returns, so a
  committed batch survives a process kill *and* an OS crash or power loss.
  `NORMAL` would survive a process kill too (the WAL write happens before the
  commit returns, only the fsync is skipped) but may lose the last commits on
  power loss. Results arrive in batches of hundreds, so the one fsync per
  commit costs little; `bench/storage.py` measures both.
- `busy_timeout=5000`: another process (a CLI command, a second worker) that
  holds the write lock is waited for instead of failing at once.
- write transactions open with `BEGIN IMMEDIATE` (see `storage.database`): a
  deferred transaction that starts as a read and then writes can fail with
  "database is locked" straight away, without waiting out the busy timeout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_SYNCHRONOUS = "FULL"
WRITE_OPTION = "storage_write"  # execution option that asks for BEGIN IMMEDIATE on SQLite


def create_engine(
    url: str, *, base_dir: Path | None = None, sqlite_synchronous: str = SQLITE_SYNCHRONOUS
) -> AsyncEngine:
    """An async engine for `sqlite:///path` or `postgresql://` / `postgres://` URLs.

    A relative SQLite path is taken relative to `base_dir` (default: the current
    directory). `sqlite_synchronous` exists for the benchmark; keep the default.
    """
    parsed = normalise_url(url, base_dir=base_dir)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, sqlite_synchronous)
    return create_async_engine(
        parsed,
        pool_pre_ping=True,  # a connection killed server-side is replaced, not handed out
        pool_size=10,
        max_overflow=10,
        pool_recycle=1800,
        pool_timeout=30,
    )


def normalise_url(url: str, *, base_dir: Path | None = None) -> URL:
    """Map a configured URL to its async driver; reject what cannot work."""
    parsed = make_url(url)
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite":
        if driver not in ("", "aiosqlite"):
            raise ValueError(f"{url!r}: use sqlite:///path (the driver is aiosqlite)")
        return parsed.set(drivername="sqlite+aiosqlite", database=_sqlite_path(parsed, base_dir))
    if backend in ("postgresql", "postgres"):
        if driver not in ("", "asyncpg"):
            raise ValueError(f"{url!r}: use postgresql://... (the driver is asyncpg)")
        return parsed.set(drivername="postgresql+asyncpg")
    raise ValueError(f"{url!r}: unsupported database; use sqlite:///path or postgresql://...")


def _sqlite_path(url: URL, base_dir: Path | None) -> str:
    database = url.database or ""
    # Each pooled connection to :memory: would be a different, empty database.
    if database in ("", ":memory:") or database.startswith("file:"):
        raise ValueError(f"{url!s}: SQLite needs a file path, e.g. sqlite:///statuspage.db")
    path = Path(database)
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    return str(path)


def _sqlite_engine(url: URL, synchronous: str) -> AsyncEngine:
    if synchronous.upper() not in ("FULL", "NORMAL", "EXTRA"):
        raise ValueError(f"synchronous={synchronous!r}: FULL, NORMAL or EXTRA")
    engine = create_async_engine(url, pool_size=5, max_overflow=5)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_OPTION) else "BEGIN")

    return engine
