"""Run-once jobs across processes: a PostgreSQL advisory lock, or a file lock for SQLite.

Roll-ups and retention must not run twice at the same moment when several
processes share one database. On PostgreSQL a session-level advisory lock is
held on its own connection for the job's duration (it is released if the
process dies, because the connection does). SQLite databases live on one host,
so an exclusive `flock` beside the database file is the equivalent, and it too
goes away with the process.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import zlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from sqlalchemy import text

from storage.database import Database


def lock_key(name: str) -> int:
    """A stable 31-bit key per job name (advisory locks take a bigint)."""
    return zlib.crc32(f"statuspage:{name}".encode()) & 0x7FFFFFFF


@contextlib.asynccontextmanager
async def run_once(db: Database, name: str) -> AsyncIterator[bool]:
    """Yield True when this process holds the job's lock, False when another one does."""
    if db.is_sqlite:
        with _file_lock(db, name) as acquired:
            yield acquired
        return
    async with db.engine.connect() as connection:
        key = lock_key(name)
        acquired = bool(
            (
                await connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
            ).scalar_one()
        )
        await connection.commit()
        try:
            yield acquired
        finally:
            if acquired:
                await connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                await connection.commit()


@contextlib.contextmanager
def _file_lock(db: Database, name: str) -> Iterator[bool]:
    database = db.engine.url.database or "statuspage.db"
    path = Path(f"{database}.{name}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
