"""A database on a full disk: every write fails as SQLite fails it, reads go on.

A real full disk needs a small filesystem of its own (a mount), which a test
cannot make. `PRAGMA max_page_count` makes a real SQLite file genuinely full,
but only for a write that needs a new page: an UPDATE in place (a token's last
use, a component's status) still succeeds, where on a full disk the WAL cannot
grow and every write fails. So the error comes from a SQLite database that is
genuinely full (in memory, capped at one page: "database or disk is full",
`SQLITE_FULL`), and is raised where the driver raises it, for every INSERT,
UPDATE and DELETE the app's engine sends. SQLAlchemy wraps it as it wraps the
driver's own, so everything above the driver sees what a full disk shows.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event

from storage.database import Database

_WRITES = frozenset({"INSERT", "UPDATE", "DELETE"})


def disk_full_error() -> sqlite3.OperationalError:
    """The error a full SQLite database raises, made by one."""
    with contextlib.closing(sqlite3.connect(":memory:")) as full:
        full.execute("PRAGMA max_page_count = 1")  # the schema's page, no room for a table
        try:
            full.execute("CREATE TABLE t (x)")
        except sqlite3.OperationalError as error:
            return error
    raise AssertionError("a one-page database took a table")


def _refuse_writes(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    if statement.lstrip().split(None, 1)[0].upper() in _WRITES:
        raise disk_full_error()


@contextlib.contextmanager
def disk_full(db: Database) -> Iterator[None]:
    """While inside, `db` is on a full disk."""
    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", _refuse_writes)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", _refuse_writes)
