"""Whether the SQLite files a process opened are still the ones at their paths.

SQLite works through open file descriptors. Remove `statuspage.db` while the service
runs and every commit still succeeds, into an inode nobody can open again: pages,
`/healthz` and the write API would all say "fine" while everything is lost at the
next start. Remove `-wal` and the commits since the last checkpoint go with the
next crash; remove `-shm` and a second process (a CLI command, `serve`) no longer
shares locks with this one and their writes overwrite each other.

`FileWatch` remembers the (device, inode) of the database file, its `-wal` and its
`-shm` when the service opens the database, and compares them with the paths when
asked, at most once per `interval_s` (a `stat` of three files, the answer cached in
between). It holds one idle connection of its own for the process's life, so SQLite
never removes and re-creates the `-wal` and `-shm` files itself (it does when its
last connection to a file closes, and the pool may close them all): a `-wal` or
`-shm` that is missing or another file is then always somebody else's doing.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

CHECK_INTERVAL_S = 1.0
COMPANIONS = ("-wal", "-shm")


class DatabaseFileReplaced(OSError):
    """The database file (or its `-wal` / `-shm`) this process writes into is no longer
    the file at its path: removed, or replaced by another."""

    advice = (
        "restore it or restart; until then nothing is written (results are kept in "
        "memory) and what was written since it went is in the deleted file only. Stop the "
        "service with SIGTERM, not SIGKILL: a clean stop copies a removed -wal into the file"
    )

    def __init__(self, database: Path, detail: str) -> None:
        self.database = database
        self.detail = detail
        super().__init__(f"the database file {database} was removed or replaced ({detail})")


class DatabaseFileMissing(FileNotFoundError):
    """Only the schema upgrade creates a SQLite file; anything else finds it missing."""

    def __init__(self, database: Path, *, orphaned_wal: bool = False) -> None:
        self.database = database
        self.orphaned_wal = orphaned_wal
        if orphaned_wal:
            message = (
                f"the database file {database} is missing but its {database.name}-wal is "
                "there, holding its last writes"
            )
            self.advice = (
                "restore the database file; to start empty instead, move the -wal and "
                "-shm files aside first"
            )
        else:
            message = f"the database file {database} does not exist"
            self.advice = "create it with `statuspage db upgrade`, or restore it from a backup"
        super().__init__(message)


class DatabaseNotWritable(OSError):
    """SQLite would have opened the file read-only (it falls back silently when the
    file cannot be opened read-write); refused instead, naming the cause."""

    def __init__(self, database: Path, cause: OSError) -> None:
        self.database = database
        super().__init__(cause.errno, f"the database file {database} cannot be opened for writing")
        self.cause = cause


def sqlite_uri(path: Path | str, *, create: bool) -> str:
    """A SQLite URI for `path`: `mode=rw` (a missing file is an error) unless `create`."""
    return f"file:{quote(str(path))}?mode={'rwc' if create else 'rw'}"


def check_writable(path: Path | str) -> None:
    """Raise DatabaseNotWritable when `path` cannot be opened read-write (an immutable
    file, a read-only mount, permissions); SQLite would open it read-only instead.

    Asked with access(2), never by opening the file: closing any descriptor of a file
    drops every POSIX lock this process holds on it, the shared lock of SQLite's
    connections included, and another process closing its last connection would then
    take the WAL away from under ours.
    """
    if not os.path.exists(path) or os.access(path, os.W_OK):
        return  # a missing file: SQLite's own open says so
    read_only = os.statvfs(path).f_flag & os.ST_RDONLY
    code = errno.EROFS if read_only else errno.EPERM
    raise DatabaseNotWritable(Path(path), OSError(code, os.strerror(code)))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return (found.st_dev, found.st_ino)


class FileWatch:
    """The (device, inode) of a SQLite file and its companions, checked against their
    paths at most once per `interval_s` of `monotonic`."""

    def __init__(
        self,
        database: Path,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        interval_s: float = CHECK_INTERVAL_S,
    ) -> None:
        self.database = database
        self._monotonic = monotonic
        self._interval_s = interval_s
        # Reading the schema makes SQLite open (or create) -wal and -shm; the connection
        # stays open, idle and outside any transaction, until close().
        self._keeper = sqlite3.connect(sqlite_uri(database, create=False), uri=True)
        self._keeper.execute("SELECT count(*) FROM sqlite_master").fetchall()
        self._files = [database] + [database.with_name(database.name + s) for s in COMPANIONS]
        self._known = {path: _identity(path) for path in self._files}
        self._checked_at: float | None = None
        self._answer: DatabaseFileReplaced | None = None

    def problem(self) -> DatabaseFileReplaced | None:
        """What is wrong with the files, or None; a cached answer when the last check was
        less than `interval_s` ago."""
        now = self._monotonic()
        if self._checked_at is not None and 0 <= now - self._checked_at < self._interval_s:
            return self._answer
        self._checked_at, self._answer = now, self._check()
        return self._answer

    def _check(self) -> DatabaseFileReplaced | None:
        for path in self._files:
            known = self._known[path]
            if known is None:
                continue  # it did not exist when the database opened (not in WAL mode)
            found = _identity(path)
            if found is None:
                return DatabaseFileReplaced(self.database, f"{path.name} is missing")
            if found != known:
                return DatabaseFileReplaced(self.database, f"{path.name} is another file now")
        return None

    def close(self) -> None:
        self._keeper.close()
