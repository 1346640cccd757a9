"""One result-writing process per SQLite file: an exclusive `flock` on `<database>.lock`.

Two probing processes on one SQLite file would both probe every component (twice
the load on the targets) and write the same (component, region, due time) rows:
the second's are skipped as duplicates while its metrics count them. So a
process that probes holds this lock for its whole life, and a second one is
refused with the first one's pid. Several probing processes need PostgreSQL.

`flock` belongs to the open file, so the kernel releases it when the process
ends however it ends (SIGKILL, a crash, OOM): a lock left by a dead process
cannot block the next start, as a pid file would. The file holds the owner's
pid, only to name it in the refusal; it is removed on a clean exit when it can be
(on a file system turned read-only it cannot: that is logged and the exit goes on,
so the process still says what it could not write and exits with its own status;
the file left behind is harmless, as its lock went with the process).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from probes.digits import ascii_int

log = logging.getLogger(__name__)


class DatabaseInUse(Exception):
    """Another live process holds the writer lock of this database file."""

    def __init__(self, database: Path, lock: Path, owner_pid: int | None) -> None:
        self.database = database
        self.lock = lock
        self.owner_pid = owner_pid
        owner = f"pid {owner_pid}" if owner_pid is not None else "a process"
        super().__init__(f"{database} is in use by another process ({owner}; lock {lock})")


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def hold_writer_lock(database: Path) -> Iterator[Path]:
    """Hold `<database>.lock` until the block ends; raise DatabaseInUse at once if another
    process holds it. Yields the lock file's path."""
    path = lock_path(database)
    fd = _lock(path, database)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        # Unlink while still holding the lock: a newcomer then creates a fresh file
        # and `_lock` sees that an inode it locked was replaced.
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove the lock file %s (%s); it is harmless", path, error)
        finally:
            os.close(fd)


def _lock(path: Path, database: Path) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _read_pid(fd)
            os.close(fd)
            raise DatabaseInUse(database, path, owner) from None
        if _still_at(path, fd):
            return fd
        # The owner removed the file between our open and our lock: we hold a lock
        # on a file nobody else will open. Start again on the one at `path` now.
        os.close(fd)


def _still_at(path: Path, fd: int) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _read_pid(fd: int) -> int | None:
    # The owner writes its pid just after locking: it may not be there yet.
    text = os.pread(fd, 32, 0).decode(errors="replace").strip()
    return ascii_int(text, 9)  # pids run to 4,194,304 at most
