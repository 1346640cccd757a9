"""The one handle to the database: an engine and its sessions, built once and passed on."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database_files import DatabaseFileReplaced, FileWatch
from storage.engine import DEFAULT_TIMEOUTS, WRITE_OPTION, Timeouts, create_engine


class Database:
    """Engine plus session factories. Create one per process and pass it explicitly.

    Use `read()` for queries and `write()` for anything that changes rows: on
    SQLite a write transaction takes the write lock up front (BEGIN IMMEDIATE)
    and writers in this process queue on an asyncio lock rather than in
    SQLite's busy handler, so they neither fail nor poll.

    `watch_files()` (the service, on SQLite) makes every `write()` first check that
    the file is still the one opened (`storage.database_files`): a write into a
    removed or replaced file fails instead of vanishing.

    `version` counts the commits in this process that may change what pages show.
    Every write counts unless it says otherwise (`write(pages=False)`: probe results,
    sign-in records, sessions, tokens), so no caller can forget to tell the page
    caches, which key on it. Other processes' writes reach them through the data
    stamp (`storage.queries.latest.data_stamp`).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._reads = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        self._writes = async_sessionmaker(
            engine.execution_options(**{WRITE_OPTION: True}),
            class_=AsyncSession,
            expire_on_commit=False,
        )
        self._write_lock = asyncio.Lock()
        # The read session of the snapshot the current task is in, with that task: a
        # task started inside a snapshot inherits the variable but must not share
        # the session (an AsyncSession serves one coroutine at a time).
        self._snapshot: ContextVar[tuple[asyncio.Task[Any] | None, AsyncSession] | None] = (
            ContextVar("snapshot", default=None)
        )
        self.version = 0
        self._files: FileWatch | None = None

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        base_dir: Path | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        create: bool = False,
    ) -> Database:
        """`create`: a missing SQLite file may be made (otherwise only the schema
        upgrade makes one: `storage.engine`)."""
        return cls(create_engine(url, base_dir=base_dir, timeouts=timeouts, create=create))

    def watch_files(self, monotonic: Callable[[], float]) -> None:
        """Remember the SQLite file (and its -wal and -shm) as they are now; from here on
        `files_problem()` and every `write()` compare them with their paths, at most once
        a second of `monotonic`. Nothing to watch on PostgreSQL."""
        database = self.engine.url.database
        if self.is_sqlite and database and self._files is None:
            self._files = FileWatch(Path(database), monotonic=monotonic)

    def files_problem(self) -> DatabaseFileReplaced | None:
        """The database file was removed or replaced since `watch_files()`, or None."""
        return self._files.problem() if self._files is not None else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for queries; its transaction is rolled back on exit. Inside
        `snapshot()`, the snapshot's session."""
        shared = self._snapshot.get()
        if shared is not None and shared[0] is asyncio.current_task():
            yield shared[1]
            return
        async with self._reads() as session:
            yield session

    @contextlib.asynccontextmanager
    async def snapshot(self) -> AsyncIterator[None]:
        """Every `read()` of this task until exit shares one session and transaction.

        A page runs a dozen small queries; a session each costs about 1 ms on SQLite
        (checkout, BEGIN, ROLLBACK, return), most of a cold render's budget. One
        transaction also shows every query the same state, so a page's banner and
        its rows cannot disagree about a write between them: SQLite's WAL keeps the
        read transaction's state, and on PostgreSQL the transaction is REPEATABLE
        READ (READ COMMITTED, the default, takes a new snapshot per statement).
        Nested snapshots join the outer one; writes never use it.
        """
        shared = self._snapshot.get()
        if shared is not None and shared[0] is asyncio.current_task():
            yield
            return
        async with self._reads() as session:
            if not self.is_sqlite:
                # Must be the transaction's first statement; the pool resets the
                # level when the connection is returned.
                await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            token = self._snapshot.set((asyncio.current_task(), session))
            try:
                yield
            finally:
                self._snapshot.reset(token)

    @contextlib.asynccontextmanager
    async def write(self, *, pages: bool = True) -> AsyncIterator[AsyncSession]:
        """A session in one transaction, committed on a clean exit, else rolled back.

        `pages`: the change may alter a page, feed or API answer; `version` moves
        once it has committed.
        """
        if (gone := self.files_problem()) is not None:
            raise gone
        async with contextlib.AsyncExitStack() as stack:
            if self.is_sqlite:
                await stack.enter_async_context(self._write_lock)
            session = await stack.enter_async_context(self._writes.begin())
            yield session
        if pages:
            self.version += 1

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._files is not None:
            self._files.close()
            self._files = None
