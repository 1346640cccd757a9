"""The SQLite file under a running process: made read-only (`chattr +i`, as tests run
as root), writable again, removed, replaced. Real files throughout."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.database import Database
from storage.database_files import DatabaseFileMissing, DatabaseFileReplaced
from storage.failures import Severity, diagnose
from storage.migrate import current_revision, upgrade_database
from tests.immutable import clear_immutable, immutable, set_immutable


async def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'status.db'}"
    await upgrade_database(url)
    with contextlib.closing(sqlite3.connect(tmp_path / "status.db")) as connection:
        connection.execute("CREATE TABLE notes (name TEXT)")
        connection.commit()
    return url


async def write_one(db: Database, name: str) -> None:
    async with db.write() as session:
        await session.exec(  # type: ignore[call-overload]
            text("INSERT INTO notes (name) VALUES (:n)").bindparams(n=name)
        )


async def count(db: Database) -> int:
    async with db.read() as session:
        found = (await session.exec(text("SELECT count(*) FROM notes"))).scalar()  # type: ignore[call-overload]
    assert isinstance(found, int)
    return found


async def test_an_immutable_file_is_refused_and_writes_resume_once_it_is_writable(
    tmp_path: Path,
) -> None:
    """SQLite opens a file it cannot write read-only without a word, and the pool kept
    that connection for ever: writes went on failing after the file was fixed."""
    url = await migrated(tmp_path)
    path = tmp_path / "status.db"
    db = Database.from_url(url)
    try:
        set_immutable(path)
        try:
            with pytest.raises(OSError, match="cannot be opened for writing") as refused:
                await write_one(db, "while immutable")
            problem = diagnose(refused.value, url)
            assert problem is not None
            assert problem.severity is Severity.FAILED
            assert "cannot be opened for writing" in problem.reason
            assert "chattr -i" in problem.advice
        finally:
            clear_immutable(path)
        await write_one(db, "after chattr -i")
        assert await count(db) == 1
    finally:
        await db.dispose()


async def test_a_connection_that_could_not_write_leaves_the_pool(tmp_path: Path) -> None:
    """A pooled connection that meets "attempt to write a readonly database" is dropped.
    Staged on the connection itself (`PRAGMA query_only`, which fails writes with the
    same SQLITE_READONLY a read-only open gives): a file turned read-only under an open
    connection cannot be staged as root without a read-only mount."""
    url = await migrated(tmp_path)
    db = Database.from_url(url)
    try:
        async with db.read() as session:
            await session.exec(text("PRAGMA query_only=ON"))  # type: ignore[call-overload]
        with pytest.raises(Exception, match="readonly database"):
            await write_one(db, "on the read-only connection")
        await write_one(db, "on a fresh connection")
        assert await count(db) == 1
    finally:
        await db.dispose()


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def watched(tmp_path: Path) -> tuple[Database, Ticks]:
    db = Database.from_url(await migrated(tmp_path))
    ticks = Ticks()
    db.watch_files(ticks)
    await write_one(db, "before")
    return db, ticks


@pytest.mark.parametrize("name", ["status.db", "status.db-wal", "status.db-shm"])
async def test_a_removed_file_fails_the_next_write_after_the_check_interval(
    tmp_path: Path, name: str
) -> None:
    db, ticks = await watched(tmp_path)
    try:
        assert db.files_problem() is None
        (tmp_path / name).unlink()
        ticks.now += 1.5
        gone = db.files_problem()
        assert gone is not None
        assert f"{name} is missing" in str(gone)
        with pytest.raises(DatabaseFileReplaced):
            await write_one(db, "into the deleted file")
        problem = diagnose(gone, str(db.engine.url))
        assert problem is not None
        assert problem.severity is Severity.FAILED
        assert str(problem).startswith(f"the database file {tmp_path / 'status.db'} was removed")
        assert "restore it or restart" in problem.advice
    finally:
        await db.dispose()


async def test_a_file_put_in_its_place_is_told_apart(tmp_path: Path) -> None:
    db, ticks = await watched(tmp_path)
    try:
        shutil.copyfile(tmp_path / "status.db", tmp_path / "copy.db")
        os.replace(tmp_path / "copy.db", tmp_path / "status.db")
        ticks.now += 1.5
        gone = db.files_problem()
        assert gone is not None
        assert "status.db is another file now" in str(gone)
        with pytest.raises(DatabaseFileReplaced):
            await write_one(db, "into the replaced file")
    finally:
        await db.dispose()


async def test_the_check_runs_at_most_once_a_second(tmp_path: Path) -> None:
    db, ticks = await watched(tmp_path)
    try:
        assert db.files_problem() is None
        (tmp_path / "status.db").unlink()
        ticks.now += 0.5
        assert db.files_problem() is None  # the cached answer
        ticks.now += 0.6
        assert db.files_problem() is not None
    finally:
        await db.dispose()


async def test_a_missing_file_is_not_created_except_by_the_schema_upgrade(
    tmp_path: Path,
) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'never.db'}")
    try:
        with pytest.raises(DatabaseFileMissing, match="does not exist") as refused:
            await count(db)
        problem = diagnose(refused.value, str(db.engine.url))
        assert problem is not None
        assert "statuspage db upgrade" in problem.advice
    finally:
        await db.dispose()
    assert not (tmp_path / "never.db").exists()
    assert await current_revision(f"sqlite:///{tmp_path / 'never.db'}") is None
    assert not (tmp_path / "never.db").exists()


async def test_a_removed_file_whose_wal_is_left_is_not_replaced_by_a_new_one(
    tmp_path: Path,
) -> None:
    """What a removed file leaves after the process stops: its -wal. Creating a new
    database there would bury those writes under a fresh, empty one."""
    url = await migrated(tmp_path)
    (tmp_path / "status.db-wal").write_bytes(b"the last writes of a removed database")
    (tmp_path / "status.db").unlink()
    with pytest.raises(DatabaseFileMissing, match=r"status\.db-wal is there") as refused:
        await upgrade_database(url)
    assert not (tmp_path / "status.db").exists()
    problem = diagnose(refused.value, url)
    assert problem is not None
    assert "move the -wal and -shm files aside" in problem.advice


def test_a_lock_file_on_a_read_only_file_system_is_not_reported_as_postgresql() -> None:
    error = OSError(errno.EROFS, "Read-only file system", "/data/status.db.status.lock")
    problem = diagnose(error, "sqlite:////data/status.db")
    assert problem is not None
    assert problem.severity is Severity.FAILED
    assert "server" not in str(problem)
    assert "cannot connect" not in str(problem)
    assert "/data/status.db.status.lock" in problem.reason
    assert "mount it read-write" in problem.advice


def test_immutable_is_cleared_again(tmp_path: Path) -> None:
    """The helper leaves nothing pytest cannot remove."""
    file = tmp_path / "f"
    file.write_text("x")
    with immutable(file), pytest.raises(PermissionError):
        file.write_text("y")
    file.write_text("y")
