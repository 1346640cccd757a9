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
- `busy_timeout` (the statement timeout, 5 s by default): another process (a
  CLI command, a web-only process's admin write) that holds the write lock is
  waited for that long instead of failing at once, and no longer.
- write transactions open with `BEGIN IMMEDIATE` (see `storage.database`): a
  deferred transaction that starts as a read and then writes can fail with
  "database is locked" straight away, without waiting out the busy timeout.
- the file is opened as a `mode=rw` URI, so a missing file is an error instead of a
  new empty database (only `create=True`, the schema upgrade, may create one), and
  a file that cannot be opened read-write is refused (`DatabaseNotWritable`) where
  SQLite would quietly open it read-only. A connection that meets a read-only, I/O
  or cannot-open error is treated as lost: the pool drops it and every connection
  opened before it, so writing resumes once the file is writable again.

PostgreSQL gets the same bounds (`Timeouts`): a server that accepts connections
and never answers would otherwise hold a connect for asyncpg's default 60 s and
a query for ever, stalling the result writer and every periodic job with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, ExceptionContext, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from storage.database_files import DatabaseFileMissing, check_writable, sqlite_uri
from storage.failures import sqlite_code

SQLITE_SYNCHRONOUS = "FULL"
WRITE_OPTION = "storage_write"  # execution option that asks for BEGIN IMMEDIATE on SQLite
# The client gives a living server this long past its own statement_timeout, so a
# slow statement ends with the server's clean error and the connection stays usable;
# only a server that does not answer at all meets the client-side limit.
CLIENT_GRACE_S = 1.0
# SQLite result codes after which a connection is not handed out again: READONLY (it
# was opened read-only, or the file system turned read-only), IOERR, CANTOPEN.
_SQLITE_LOST = (8, 10, 14)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long the database may keep us waiting before an operation fails.

    `connect_s`: opening a PostgreSQL connection (TCP, TLS, authentication).
    `statement_s`: one statement, waiting for locks included: PostgreSQL's
    `statement_timeout` (and, a second later, the client gives up on a server
    that sends nothing), SQLite's `busy_timeout` (how long a statement waits for
    another connection's write lock; SQLite has nothing else to wait on).
    """

    connect_s: float = 5.0
    statement_s: float = 5.0

    def __post_init__(self) -> None:
        if not (self.connect_s > 0 and self.statement_s > 0):
            raise ValueError(f"timeouts must be positive, got {self}")


DEFAULT_TIMEOUTS = Timeouts()


def create_engine(
    url: str,
    *,
    base_dir: Path | None = None,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    for_migrations: bool = False,
    sqlite_synchronous: str = SQLITE_SYNCHRONOUS,
    create: bool = False,
) -> AsyncEngine:
    """An async engine for `sqlite:///path` or `postgresql://` / `postgres://` URLs.

    A relative SQLite path is taken relative to `base_dir` (default: the current
    directory). `for_migrations` lifts the statement limit on PostgreSQL (a
    migration may rewrite a large table); the connect timeout and SQLite's lock
    wait still apply. `sqlite_synchronous` exists for the benchmark; keep the default.
    `create`: a missing SQLite file may be created (the schema upgrade's first run);
    otherwise opening one is an error.
    """
    parsed = normalise_url(url, base_dir=base_dir)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, sqlite_synchronous, timeouts, create=create)
    return create_async_engine(
        parsed,
        pool_pre_ping=True,  # a connection killed server-side is replaced, not handed out
        pool_size=10,
        max_overflow=10,
        pool_recycle=1800,
        pool_timeout=30,
        connect_args=asyncpg_connect_args(timeouts, for_migrations=for_migrations),
    )


def asyncpg_connect_args(timeouts: Timeouts, *, for_migrations: bool = False) -> dict[str, Any]:
    """asyncpg's connect timeout, client-side command timeout and the server's
    statement_timeout (sent in the startup packet, so it holds from the first query)."""
    if for_migrations:
        return {"timeout": timeouts.connect_s}
    return {
        "timeout": timeouts.connect_s,
        "command_timeout": timeouts.statement_s + CLIENT_GRACE_S,
        "server_settings": {"statement_timeout": str(round(timeouts.statement_s * 1000))},
    }


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


def _sqlite_engine(url: URL, synchronous: str, timeouts: Timeouts, *, create: bool) -> AsyncEngine:
    if synchronous.upper() not in ("FULL", "NORMAL", "EXTRA"):
        raise ValueError(f"synchronous={synchronous!r}: FULL, NORMAL or EXTRA")
    engine = create_async_engine(url, pool_size=5, max_overflow=5)
    busy_timeout_ms = round(timeouts.statement_s * 1000)
    path = Path(url.database or "")

    @event.listens_for(engine.sync_engine, "do_connect")
    def _open(_dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        if not path.exists():
            if not create:
                raise DatabaseFileMissing(path)
            if path.with_name(path.name + "-wal").exists():
                # The file was removed and its WAL is all that is left of it; a new
                # database would take that WAL's place.
                raise DatabaseFileMissing(path, orphaned_wal=True)
        check_writable(path)
        cargs[:] = [sqlite_uri(path, create=create)]
        cparams["uri"] = True

    @event.listens_for(engine.sync_engine, "handle_error")
    def _drop_lost(context: ExceptionContext) -> None:
        if sqlite_code(context.original_exception) in _SQLITE_LOST:
            context.is_disconnect = True

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
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
