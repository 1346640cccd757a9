"""A lock held for as long as a process does a job that must have one doer at a time
(alert evaluation), rather than for one round as `run_once` does.

On PostgreSQL it is a session-level advisory lock on a connection of its own, which
also LISTENs for notifications: if the process dies or the connection drops, the
lock goes with it and another process takes over. On SQLite it is a `flock` beside
the database file (one host, and one writing process: see `writer_lock`).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database
from storage.locks import lock_key

Listener = Callable[[str], None]  # called with each notification's payload


class Leadership:
    def __init__(self, db: Database, name: str) -> None:
        self._db = db
        self._name = name
        self._connection: AsyncConnection | None = None
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._connection is not None or self._fd is not None

    async def try_acquire(self) -> bool:
        if self.held:
            return True
        if self._db.is_sqlite:
            return self._try_file_lock()
        connection = await self._db.engine.connect()
        try:
            got = await connection.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(self._name)}
            )
            acquired = bool(got.scalar_one())
            await connection.commit()
        except BaseException:
            await connection.close()
            raise
        if not acquired:
            await connection.close()
            return False
        self._connection = connection
        return True

    def _try_file_lock(self) -> bool:
        database = self._db.engine.url.database or "statuspage.db"
        fd = os.open(Path(f"{database}.{self._name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def still_held(self) -> bool:
        """False once the lock's connection is gone (the lock went with it)."""
        if self._connection is None:
            return self._fd is not None
        try:
            await self._connection.execute(text("SELECT 1"))
            await self._connection.commit()
            return True
        except Exception:
            await self.release()
            return False

    async def listen(self, channel: str, listener: Listener) -> None:
        """Hear `channel`'s notifications on the lock's connection (PostgreSQL)."""
        assert self._connection is not None, "listen needs PostgreSQL and the lock held"
        raw = await self._connection.get_raw_connection()
        driver: Any = raw.driver_connection

        def deliver(_connection: object, _pid: int, _channel: str, payload: str) -> None:
            listener(payload)

        await driver.add_listener(channel, deliver)

    async def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                # Closing returns the connection to the pool: reset it so the pooled
                # connection holds neither the lock nor the LISTEN.
                await connection.execute(text("SELECT pg_advisory_unlock_all()"))
                await connection.execute(text("UNLISTEN *"))
                await connection.commit()
            except Exception:
                await connection.invalidate()
            finally:
                await connection.close()
