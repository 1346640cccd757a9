"""What /healthz says about storage, judged from a real writer and real job failures."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from statuspage.service.health import health
from storage.components import sync_components
from storage.database import Database
from storage.engine import Timeouts
from storage.migrate import upgrade_database
from storage.results.writer import ResultWriter
from tests.storage.builders import T0, component, record
from tests.waiting import eventually


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite file (one to damage or lock) with one component, "api"."""
    url = f"sqlite:///{tmp_path / 'status.db'}"
    await upgrade_database(url)
    database = Database.from_url(url)
    await sync_components(database, [component("api")], T0)
    yield database
    await database.dispose()


@pytest.fixture
def writer(db: Database) -> ResultWriter:
    """A writer driven by hand (`flush()`), so every attempt ends before the test does."""
    return ResultWriter(db)


@pytest.fixture
async def quick_writer(db: Database) -> AsyncIterator[ResultWriter]:
    """A writer on the same file that waits only 50 ms for another process's lock."""
    quick = Database.from_url(str(db.engine.url), timeouts=Timeouts(statement_s=0.05))
    yield ResultWriter(quick)
    await quick.dispose()


async def failed_flush(writer: ResultWriter) -> None:
    writer.submit(record(T0))
    with pytest.raises(DBAPIError):
        await writer.flush()


async def error_from(db: Database) -> Exception:
    """What a job meets when it writes to `db`."""
    try:
        async with db.write() as session:
            await session.exec(text("UPDATE components SET name = name"))  # type: ignore[call-overload]
    except Exception as error:
        return error
    pytest.fail("the database worked")


def damage(path: Path) -> None:
    path.write_bytes(b"no longer a database\n" * 500)


async def error_of_a_damaged_file(folder: Path) -> Exception:
    damage(folder / "other.db")
    damaged = Database.from_url(f"sqlite:///{folder / 'other.db'}")
    try:
        return await error_from(damaged)
    finally:
        await damaged.dispose()


@contextlib.contextmanager
def write_locked(path: Path) -> Iterator[None]:
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        yield
        other.execute("ROLLBACK")


def sqlite_path(db: Database) -> Path:
    return Path(str(db.engine.url.database))


async def test_a_writer_that_cannot_write_to_a_damaged_file_makes_healthz_fail(
    db: Database, writer: ResultWriter
) -> None:
    path = sqlite_path(db)
    await db.dispose()
    damage(path)
    await failed_flush(writer)
    status, body = health(writer, {}, str(db.engine.url))
    assert (status, body["status"], body["storage"]) == (503, "failing", "failed")
    assert str(body["reason"]).startswith(f"writing results failed: the database file {path} is")
    assert (body["results_pending"], body["results_dropped"]) == (1, 0)


async def test_a_writer_waiting_on_a_lock_held_elsewhere_is_degraded_but_healthy(
    quick_writer: ResultWriter, db: Database
) -> None:
    with write_locked(sqlite_path(db)):
        await failed_flush(quick_writer)
    status, body = health(quick_writer, {}, str(db.engine.url))
    assert (status, body["status"], body["storage"]) == (200, "degraded", "unavailable")
    assert "is locked by another process" in str(body["reason"])


async def test_healthz_is_ok_again_once_the_writer_writes(
    quick_writer: ResultWriter, db: Database
) -> None:
    with write_locked(sqlite_path(db)):
        await failed_flush(quick_writer)
    assert await quick_writer.flush() == 1
    assert health(quick_writer, {}, str(db.engine.url))[1]["storage"] == "ok"


async def test_a_job_that_met_a_passing_outage_does_not_outweigh_a_writer_that_writes(
    db: Database, writer: ResultWriter
) -> None:
    locked_db = Database.from_url(str(db.engine.url), timeouts=Timeouts(statement_s=0.05))
    with write_locked(sqlite_path(db)):
        outage = await error_from(locked_db)
    await locked_db.dispose()
    writer.submit(record(T0))
    assert await writer.flush() == 1
    assert health(writer, {"retention": outage}, str(db.engine.url)) == (
        200,
        {"status": "ok", "storage": "ok", "results_pending": 0, "results_dropped": 0},
    )


async def test_a_job_that_found_the_file_damaged_makes_healthz_fail(
    db: Database, writer: ResultWriter, tmp_path: Path
) -> None:
    error = await error_of_a_damaged_file(tmp_path)
    status, body = health(writer, {"rollup": error}, str(db.engine.url))
    assert (status, body["storage"]) == (503, "failed")
    assert str(body["reason"]).startswith("job rollup failed: the database file")


def test_a_web_only_process_without_writer_or_jobs_is_ok() -> None:
    assert health(None, {}, "sqlite:///status.db") == (200, {"status": "ok", "storage": "ok"})


async def test_a_problem_that_needs_an_operator_is_reported_before_one_that_may_pass(
    quick_writer: ResultWriter, db: Database, tmp_path: Path
) -> None:
    damaged = await error_of_a_damaged_file(tmp_path)
    with write_locked(sqlite_path(db)):
        await failed_flush(quick_writer)  # may pass
    status, body = health(quick_writer, {"rollup": damaged}, str(db.engine.url))
    assert (status, body["storage"]) == (503, "failed")
    assert str(body["reason"]).startswith("job rollup failed: the database file")


async def test_a_write_that_does_not_return_is_reported_once_it_outlasts_the_limit(
    db: Database,
) -> None:
    """A write blocked for good (here behind another process's lock, with a long wait
    allowed; on a frozen disk, in the kernel) reports no failure while it runs: past
    the limit, /healthz says the database has stopped answering."""
    patient = Database.from_url(str(db.engine.url), timeouts=Timeouts(statement_s=60))
    writer = ResultWriter(patient)
    try:
        with write_locked(sqlite_path(db)):
            writer.submit(record(T0))
            flushing = asyncio.create_task(writer.flush())
            await eventually(lambda: writer.attempt_began is not None, "the write to begin")
            began = writer.attempt_began
            assert began is not None
            url = str(db.engine.url)
            within = health(writer, {}, url, stalled_after_s=10, now=began + 9.9)
            assert within[1]["storage"] == "ok"
            status, body = health(writer, {}, url, stalled_after_s=10, now=began + 12)
            assert (status, body["status"], body["storage"]) == (200, "degraded", "unavailable")
            assert str(body["reason"]).startswith("writing results failed: a write has not")
            assert "finished in 12 s" in str(body["reason"])
        assert await flushing == 1
        assert writer.attempt_began is None
        assert health(writer, {}, url, stalled_after_s=10, now=began + 60)[1]["storage"] == "ok"
    finally:
        await patient.dispose()
