"""What a database error means to an operator: wait it out, or act, and what to do.

The writer and the jobs retry every failure. Start-up and `/healthz` need more:
whether waiting can help (a server that is away, a lock another process holds)
or someone must act (a damaged file, a full disk, a read-only server), and a
sentence naming the file or server. `diagnose()` returns None for anything
that is not a database failure, so a bug still surfaces as one; a statement the
database refused (a constraint, a missing table or column, SQL it does not take)
is a problem with `refused_statement` set: the code or the schema is at fault,
not the storage, and sending the same request again cannot help.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from storage.database_files import DatabaseFileMissing, DatabaseFileReplaced, DatabaseNotWritable

# SQLite primary result codes (https://sqlite.org/rescode.html).
_SQLITE_ERROR, _SQLITE_TOOBIG, _SQLITE_CONSTRAINT, _SQLITE_MISMATCH, _SQLITE_RANGE = (
    1,
    18,
    19,
    20,
    25,
)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26

# PostgreSQL SQLSTATEs (or their classes) that pass without anyone acting: the
# connection was lost or refused, the server is restarting, a statement was
# cancelled by our statement timeout, a serialisation conflict, too many clients, a
# lock not granted within our lock timeout (the day partitions' DDL waits at most 5 s).
_PG_TRANSIENT = ("08", "57P", "57014", "40", "53300", "55P03")
# What blames the statement rather than the storage: SQLite's generic SQL error (a
# missing table or column), a value too big or of the wrong kind, a constraint;
# PostgreSQL's cardinality, data, integrity, syntax-or-access and unsupported classes.
_SQLITE_STATEMENT = (
    _SQLITE_ERROR, _SQLITE_TOOBIG, _SQLITE_CONSTRAINT, _SQLITE_MISMATCH, _SQLITE_RANGE
)  # fmt: skip
_PG_STATEMENT = ("21", "22", "23", "42", "0A")


class Severity(StrEnum):
    UNAVAILABLE = "unavailable"  # may pass on its own; results wait in the buffer
    FAILED = "failed"  # will not pass without an operator


@dataclass(frozen=True, slots=True)
class StorageProblem:
    severity: Severity
    reason: str  # what is wrong, naming the file or server
    advice: str  # what to do about it
    # The database refused this statement (see the module's docstring): a bug or an
    # out-of-date schema, where everything else is the storage itself failing.
    refused_statement: bool = False
    # The database file was removed or replaced: found before anything was written.
    file_gone: bool = False

    def __str__(self) -> str:
        return f"{self.reason}: {self.advice}"


def diagnose(error: BaseException, database_url: str | URL) -> StorageProblem | None:
    """The problem `error` shows with the database at `database_url`, or None when
    it is not a database failure at all."""
    where, path = _describe_location(database_url)
    causes = list(_causes(error))
    for cause in causes:
        if isinstance(cause, DatabaseFileReplaced | DatabaseFileMissing):
            return StorageProblem(Severity.FAILED, str(cause), cause.advice, file_gone=True)
        if isinstance(cause, DatabaseNotWritable):
            return _not_writable(cause)
        code = getattr(cause, "sqlite_errorcode", None)
        if isinstance(cause, sqlite3.Error) and isinstance(code, int):
            return _sqlite_problem(code & 0xFF, where, path, cause)
    # SQLAlchemy's wrapper and asyncpg's own error both carry the SQLSTATE; the
    # innermost has the plain message.
    states = [(c, state) for c in causes if isinstance(state := getattr(c, "sqlstate", None), str)]
    if states:
        cause, state = states[-1]
        return _postgres_problem(state, where, cause)
    wait = _WAIT_SQLITE if path else _WAIT_POSTGRES
    for cause in causes:
        if isinstance(cause, TimeoutError):
            return _unavailable(f"{where} did not answer in time", wait)
        if isinstance(cause, OSError):
            if path:  # a file beside the database: the lock files of the jobs and the writer
                return _file_problem(where, cause)
            return _unavailable(f"cannot connect to {where} ({_text(cause)})", wait)
    if isinstance(error, SQLAlchemyError):
        # Pool timeouts, a connection closed mid-operation: retrying is the cure.
        return _unavailable(f"{where} failed: {_text(error)}", wait)
    return None


def sqlite_code(error: BaseException) -> int | None:
    """SQLite's primary result code carried by `error` or what it wraps, or None."""
    for cause in _causes(error):
        code = getattr(cause, "sqlite_errorcode", None)
        if isinstance(cause, sqlite3.Error) and isinstance(code, int):
            return code & 0xFF
    return None


_WAIT_POSTGRES = (
    "results are kept in memory and written once it answers again; "
    "check that the server runs and is reachable"
)


_WAIT_SQLITE = (
    "results are kept in memory and written once it answers again; check the disk "
    "holding it (dmesg)"
)
_CANNOT_WRITE = {
    errno.EROFS: "the file system is read-only: check the disk (dmesg) and mount it "
    "read-write again",
    errno.ENOSPC: "free space on that disk; results are kept in memory meanwhile",
    errno.EPERM: "the file may be immutable (`lsattr`; `chattr -i` clears it), or the "
    "service's user may not write it or its folder (SQLite makes -wal and -shm files "
    "beside it)",
}
_LET_WRITE = (
    "let the user the service runs as write to the file and its folder "
    "(SQLite makes -wal and -shm files beside it)"
)


def _not_writable(cause: DatabaseNotWritable) -> StorageProblem:
    text = cause.cause.strerror or _text(cause.cause)
    advice = _CANNOT_WRITE.get(cause.errno or 0, _LET_WRITE)
    return _failed(f"{cause.strerror} ({text})", advice)


def _file_problem(where: str, cause: OSError) -> StorageProblem:
    """A file beside a SQLite database (a lock file) could not be made or opened."""
    name = f" {cause.filename}" if cause.filename else ""
    reason = f"cannot use the file{name} beside {where} ({cause.strerror or _text(cause)})"
    if cause.errno in _CANNOT_WRITE or cause.errno == errno.EACCES:
        return _failed(reason, _CANNOT_WRITE.get(cause.errno or 0, _LET_WRITE))
    return _unavailable(reason, _WAIT_SQLITE)


def _sqlite_problem(code: int, where: str, path: str, cause: BaseException) -> StorageProblem:
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return _unavailable(
            f"{where} is locked by another process (it held the write lock longer than "
            "[storage] statement_timeout_s)",
            f"find that process with `fuser {path}` and stop it, or raise statement_timeout_s",
        )
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        damage = "is damaged" if code == _SQLITE_CORRUPT else "is not a SQLite database"
        return _failed(
            f"{where} {damage} ({_text(cause)})",
            "stop every statuspage process using it, then restore the file from a backup, "
            f"or save what can be read with `sqlite3 {path} .recover | sqlite3 NEW.db` and "
            "point [storage] url at NEW.db; to start empty instead, move the file aside",
        )
    advice = {
        _SQLITE_READONLY: _LET_WRITE,
        _SQLITE_CANTOPEN: "check that the folder exists and the service's user may write there",
        _SQLITE_FULL: "free space on that disk; results are kept in memory meanwhile",
        _SQLITE_IOERR: "check the disk (dmesg); results are kept in memory meanwhile",
    }.get(code, "see the SQLite error above")
    problem = _failed(f"{where} cannot be used ({_text(cause)})", advice)
    return replace(problem, refused_statement=code in _SQLITE_STATEMENT)


def _postgres_problem(state: str, where: str, cause: BaseException) -> StorageProblem:
    if state.startswith(_PG_TRANSIENT):
        return _unavailable(f"{where} failed ({_text(cause)})", _WAIT_POSTGRES)
    advice = {
        "28": "check the user name and password in [storage] url",
        "3D": "create the database, or fix its name in [storage] url",
        "25": "the server is read-only (a standby?): point [storage] url at the primary",
        "53": "free space on the database server",
        "42": "run `statuspage db upgrade`, and check the user's privileges",
    }.get(state[:2], "see the PostgreSQL error above")
    problem = _failed(f"{where} refused the work ({_text(cause)}, SQLSTATE {state})", advice)
    return replace(problem, refused_statement=state.startswith(_PG_STATEMENT))


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, the driver error SQLAlchemy wrapped, and what caused each."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = current.orig if isinstance(current, DBAPIError) else None
        pending += [orig if isinstance(orig, BaseException) else None, current.__cause__]


def _describe_location(database_url: str | URL) -> tuple[str, str]:
    """Words for the database in a sentence, and the SQLite file's path ('' otherwise)."""
    try:
        url = make_url(database_url)
    except Exception:
        return "the database", ""
    if url.get_backend_name() == "sqlite":
        return f"the database file {url.database}", url.database or ""
    place = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    return f"PostgreSQL at {place}", ""


def _text(error: BaseException) -> str:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return first_line or type(error).__name__


def _unavailable(reason: str, advice: str) -> StorageProblem:
    return StorageProblem(Severity.UNAVAILABLE, reason, advice)


def _failed(reason: str, advice: str) -> StorageProblem:
    return StorageProblem(Severity.FAILED, reason, advice)
