"""What a database error means to an operator, read from real failures."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import asyncpg.exceptions as pg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from storage.database import Database
from storage.engine import DEFAULT_TIMEOUTS, Timeouts
from storage.failures import Severity, StorageProblem, diagnose
from storage.migrate import upgrade_database
from tests.storage.builders import POSTGRES_ENV, postgres_admin_url


async def problem_reading(url: str, timeouts: Timeouts = DEFAULT_TIMEOUTS) -> StorageProblem | None:
    db = Database.from_url(url, timeouts=timeouts)
    try:
        async with db.write() as session:
            await session.exec(text("UPDATE components SET name = name"))  # type: ignore[call-overload]
    except Exception as error:
        return diagnose(error, url)
    finally:
        await db.dispose()
    pytest.fail("the database worked")


async def test_a_file_that_is_not_a_database_needs_an_operator(tmp_path: Path) -> None:
    (tmp_path / "status.db").write_bytes(b"not a database at all\n" * 50)
    problem = await problem_reading(f"sqlite:///{tmp_path / 'status.db'}")
    assert problem is not None
    assert problem.severity is Severity.FAILED
    assert problem.reason.startswith(f"the database file {tmp_path / 'status.db'} is not a SQLite")
    assert "restore the file from a backup" in problem.advice


async def test_a_truncated_file_is_damaged_and_needs_an_operator(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'status.db'}"
    await upgrade_database(url)
    with (tmp_path / "status.db").open("r+b") as handle:
        handle.truncate(20_000)
    problem = await problem_reading(url)
    assert problem is not None
    assert problem.severity is Severity.FAILED
    assert (
        f"{tmp_path / 'status.db'} is damaged (database disk image is malformed)" in problem.reason
    )
    assert f"sqlite3 {tmp_path / 'status.db'} .recover" in problem.advice


@contextlib.contextmanager
def write_locked(path: Path) -> Iterator[None]:
    """Another connection holds the write lock, as another process would."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        yield
        other.execute("ROLLBACK")


async def test_a_lock_held_elsewhere_may_pass_on_its_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'status.db'}"
    await upgrade_database(url)
    with write_locked(tmp_path / "status.db"):
        problem = await problem_reading(url, Timeouts(statement_s=0.1))
    assert problem is not None
    assert problem.severity is Severity.UNAVAILABLE
    assert "is locked by another process" in problem.reason
    assert f"fuser {tmp_path / 'status.db'}" in problem.advice


async def test_a_postgres_server_that_refuses_connections_may_pass_on_its_own() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        port = sock.getsockname()[1]
        problem = await problem_reading(f"postgresql://nobody@127.0.0.1:{port}/status")
    assert problem is not None
    assert problem.severity is Severity.UNAVAILABLE
    assert problem.reason.startswith(f"cannot connect to PostgreSQL at 127.0.0.1:{port}/status")


@pytest.mark.postgres
async def test_a_database_postgres_does_not_have_needs_an_operator() -> None:
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    url = admin.rsplit("/", 1)[0] + "/no_such_statuspage_database"
    problem = await problem_reading(url)
    assert problem is not None
    assert problem.severity is Severity.FAILED
    assert "SQLSTATE 3D000" in problem.reason
    assert "create the database" in problem.advice


def test_an_error_that_is_not_the_databases_is_left_alone() -> None:
    assert diagnose(ValueError("a bug"), "sqlite:///status.db") is None


def sqlite_error(code: int, message: str) -> sqlite3.Error:
    """An error as sqlite3 raises it: the result code rides on the exception."""
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code
    return error


def wrapped(orig: Exception) -> DBAPIError:
    """The error as SQLAlchemy hands it on (the driver's error in `.orig`)."""
    return DBAPIError("INSERT ...", {}, orig)


# Result codes from https://sqlite.org/rescode.html; extended codes keep the primary
# code in their low byte (522 is SQLITE_IOERR_SHORT_READ, 779 SQLITE_CORRUPT_INDEX).
SQLITE_CASES = [
    (5, Severity.UNAVAILABLE, "is locked by another process", "fuser /d/s.db"),
    (6, Severity.UNAVAILABLE, "is locked by another process", "raise statement_timeout_s"),
    (779, Severity.FAILED, "/d/s.db is damaged (boom)", "sqlite3 /d/s.db .recover"),
    (26, Severity.FAILED, "/d/s.db is not a SQLite database (boom)", "move the file aside"),
    (8, Severity.FAILED, "/d/s.db cannot be used (boom)", "write to the file and its folder"),
    (14, Severity.FAILED, "/d/s.db cannot be used (boom)", "check that the folder exists"),
    (13, Severity.FAILED, "/d/s.db cannot be used (boom)", "free space on that disk"),
    (522, Severity.FAILED, "/d/s.db cannot be used (boom)", "check the disk (dmesg)"),
    (1, Severity.FAILED, "/d/s.db cannot be used (boom)", "see the SQLite error above"),
]


@pytest.mark.parametrize(("code", "severity", "reason", "advice"), SQLITE_CASES)
def test_sqlite_result_codes_say_whether_to_wait_or_act(
    code: int, severity: Severity, reason: str, advice: str
) -> None:
    problem = diagnose(wrapped(sqlite_error(code, "boom")), "sqlite:////d/s.db")
    assert problem is not None
    assert problem.severity is severity
    assert reason in problem.reason
    assert advice in problem.advice


PG = "postgresql://u@db.example:6543/status"
POSTGRES_CASES = [
    (pg.ConnectionFailureError, Severity.UNAVAILABLE, "check that the server runs"),
    (pg.AdminShutdownError, Severity.UNAVAILABLE, "written once it answers again"),
    (pg.CannotConnectNowError, Severity.UNAVAILABLE, "written once it answers again"),
    (pg.QueryCanceledError, Severity.UNAVAILABLE, "written once it answers again"),
    (pg.SerializationError, Severity.UNAVAILABLE, "written once it answers again"),
    (pg.TooManyConnectionsError, Severity.UNAVAILABLE, "written once it answers again"),
    (pg.LockNotAvailableError, Severity.UNAVAILABLE, "written once it answers again"),
    (pg.DiskFullError, Severity.FAILED, "free space on the database server"),
    (pg.InvalidPasswordError, Severity.FAILED, "check the user name and password"),
    (pg.InvalidCatalogNameError, Severity.FAILED, "create the database"),
    (pg.ReadOnlySQLTransactionError, Severity.FAILED, "point [storage] url at the primary"),
    (pg.UndefinedTableError, Severity.FAILED, "run `statuspage db upgrade`"),
    (pg.InsufficientPrivilegeError, Severity.FAILED, "check the user's privileges"),
    (pg.DataError, Severity.FAILED, "see the PostgreSQL error above"),
]


@pytest.mark.parametrize(("kind", "severity", "advice"), POSTGRES_CASES)
def test_postgres_sqlstates_say_whether_to_wait_or_act(
    kind: type[pg.PostgresError], severity: Severity, advice: str
) -> None:
    problem = diagnose(wrapped(kind("the server's words")), PG)
    assert problem is not None
    assert problem.severity is severity
    assert problem.reason.startswith("PostgreSQL at db.example:6543/status ")
    assert "the server's words" in problem.reason
    assert advice in problem.advice


def test_a_refused_sqlstate_is_named_with_the_servers_own_message() -> None:
    problem = diagnose(wrapped(pg.DiskFullError("could not extend file")), PG)
    assert problem is not None
    assert problem.reason == (
        "PostgreSQL at db.example:6543/status refused the work "
        "(could not extend file, SQLSTATE 53100)"
    )


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (TimeoutError(), "PostgreSQL at db.example:6543/status did not answer in time"),
        (
            ConnectionRefusedError(111, "Connect call failed"),
            "cannot connect to PostgreSQL at db.example:6543/status ([Errno 111] Connect call",
        ),
        (
            SQLAlchemyTimeoutError("QueuePool limit reached"),
            "PostgreSQL at db.example:6543/status failed: QueuePool limit reached",
        ),
    ],
)
def test_waits_refusals_and_pool_exhaustion_may_pass(error: Exception, reason: str) -> None:
    problem = diagnose(error, PG)
    assert problem is not None
    assert problem.severity is Severity.UNAVAILABLE
    assert problem.reason.startswith(reason)


def test_a_timeout_is_found_behind_what_was_raised_instead() -> None:
    try:
        raise RuntimeError("while checking out a connection") from TimeoutError()
    except RuntimeError as error:
        problem = diagnose(error, PG)
    assert problem is not None
    assert problem.reason.endswith("did not answer in time")


def test_a_postgres_url_without_host_or_port_is_named_with_the_defaults() -> None:
    problem = diagnose(TimeoutError(), "postgresql:///status")
    assert problem is not None
    assert problem.reason.startswith("PostgreSQL at localhost:5432/status ")


def test_a_problem_reads_as_the_reason_then_what_to_do() -> None:
    problem = StorageProblem(Severity.FAILED, "it broke", "mend it")
    assert str(problem) == "it broke: mend it"


def test_an_error_without_words_is_named_by_its_kind() -> None:
    problem = diagnose(wrapped(sqlite_error(13, "")), "sqlite:////d/s.db")
    assert problem is not None
    assert "(OperationalError)" in problem.reason


def test_the_driver_error_is_found_wherever_it_sits_in_the_chain() -> None:
    outer = wrapped(ValueError("while converting a value"))
    outer.__cause__ = sqlite_error(11, "database disk image is malformed")
    problem = diagnose(RuntimeError("writing results"), "sqlite:////d/s.db")
    assert problem is None  # nothing of the database's in a plain error
    problem = diagnose(outer, "sqlite:////d/s.db")
    assert problem is not None
    assert problem.severity is Severity.FAILED


def test_a_sqlite_error_without_a_result_code_is_not_misread() -> None:
    closed = sqlite3.ProgrammingError("Cannot operate on a closed database.")
    problem = diagnose(wrapped(closed), "sqlite:////d/s.db")
    assert problem is not None
    assert problem.severity is Severity.UNAVAILABLE


@pytest.mark.parametrize(
    ("url", "named"),
    [("postgresql://db.example", "PostgreSQL at db.example:5432/ "), ("::", "the database ")],
)
def test_the_database_is_named_as_well_as_its_url_allows(url: str, named: str) -> None:
    problem = diagnose(TimeoutError(), url)
    assert problem is not None
    assert problem.reason == f"{named}did not answer in time"


async def test_a_full_database_is_storage_failing_not_a_refused_statement(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'status.db'}"
    with contextlib.closing(sqlite3.connect(tmp_path / "status.db")) as full:
        full.execute("CREATE TABLE filler (x)")
        (pages,) = full.execute("PRAGMA page_count").fetchone()
        full.execute(f"PRAGMA max_page_count = {pages}")  # genuinely full: no page to add
        with pytest.raises(sqlite3.OperationalError) as raised:
            full.execute("INSERT INTO filler VALUES (zeroblob(100000))")
    problem = diagnose(wrapped(raised.value), url)
    assert problem is not None
    assert "(database or disk is full)" in problem.reason
    assert not problem.refused_statement


async def test_a_refused_constraint_blames_the_statement_not_the_storage(tmp_path: Path) -> None:
    with contextlib.closing(sqlite3.connect(tmp_path / "status.db")) as db:
        db.execute("CREATE TABLE t (x UNIQUE)")
        db.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(sqlite3.IntegrityError) as raised:
            db.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(sqlite3.OperationalError) as missing:
            db.execute("SELECT nothing FROM t")
    for error in (raised.value, missing.value):
        problem = diagnose(wrapped(error), f"sqlite:///{tmp_path / 'status.db'}")
        assert problem is not None
        assert problem.refused_statement, error


@pytest.mark.parametrize(
    ("error", "refused"),
    [
        (pg.UniqueViolationError("duplicate key"), True),
        (pg.UndefinedColumnError("column does not exist"), True),
        (pg.DiskFullError("could not extend file"), False),
        (pg.ReadOnlySQLTransactionError("read-only transaction"), False),
        (pg.ConnectionFailureError("connection lost"), False),
    ],
)
def test_postgres_blames_the_statement_only_for_its_statement_classes(
    error: Exception, refused: bool
) -> None:
    problem = diagnose(wrapped(error), PG)
    assert problem is not None
    assert problem.refused_statement is refused
