"""Start-up on a SQLite file that is truncated, not a database, or locked by another
process: every command says what is wrong and what to do, and exits 1, without a
Python traceback."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from statuspage.commands import export
from statuspage.service.startup import StartupError
from storage.migrate import upgrade_database
from tests.immutable import immutable
from tests.service.cli_process import environment

# Starts real processes (`pytest -m "not slow"` skips it).
pytestmark = pytest.mark.slow

COMMANDS = [["run"], ["serve"], ["probe"], ["db", "upgrade"], ["user", "list"]]
SETTINGS = (
    '[server]\nport = 9\n[storage]\nurl = "sqlite:///status.db"\nstatement_timeout_s = 1\n'
    '[[components]]\nname = "api"\n'
)


def write_config(folder: Path) -> Path:
    path = folder / "statuspage.toml"
    path.write_text(SETTINGS)
    return path


async def migrated_database(folder: Path) -> Path:
    path = folder / "status.db"
    await upgrade_database(f"sqlite:///{path}")
    return path


def truncated(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 2)


def garbage(path: Path) -> None:
    path.write_bytes(b"these bytes were never a SQLite database\n" * 100)


async def statuspage(*args: str, folder: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "statuspage",
        *args,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=environment(folder),
    )
    try:
        async with asyncio.timeout(60):
            _, err = await process.communicate()
    finally:
        if process.returncode is None:  # it started after all: do not leave it running
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, err.decode()


def assert_refused_plainly(status: int, err: str, *words: str) -> None:
    assert status == 1, err
    assert "Traceback" not in err
    assert "statuspage: cannot start: the database file " in err
    for word in words:
        assert word in err


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
async def test_a_truncated_file_stops_start_up_with_what_to_do(
    command: list[str], tmp_path: Path
) -> None:
    truncated(await migrated_database(tmp_path))
    status, err = await statuspage(
        *command, "--config", str(write_config(tmp_path)), folder=tmp_path
    )
    assert_refused_plainly(status, err, "status.db is damaged", "from a backup", ".recover")


async def test_a_file_that_is_not_a_database_stops_start_up_with_what_to_do(
    tmp_path: Path,
) -> None:
    garbage(await migrated_database(tmp_path))
    status, err = await statuspage("run", "--config", str(write_config(tmp_path)), folder=tmp_path)
    assert_refused_plainly(status, err, "status.db is not a SQLite database", "move the file aside")


LOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute(f"PRAGMA journal_mode={sys.argv[2]}")
connection.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()  # hold the lock until the test closes our stdin
"""


@contextlib.asynccontextmanager
async def locked(path: Path, journal_mode: str) -> AsyncIterator[None]:
    """Hold an exclusive SQLite lock on `path` from another process."""
    locker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        LOCKER,
        str(path),
        journal_mode,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert locker.stdin is not None
    assert locker.stdout is not None
    try:
        assert await locker.stdout.readline() == b"locked\n"
        yield
    finally:
        locker.stdin.close()
        await locker.wait()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
async def test_a_file_another_process_holds_locked_stops_start_up_with_what_to_do(
    command: list[str], tmp_path: Path
) -> None:
    database = await migrated_database(tmp_path)
    config = write_config(tmp_path)
    # Outside write-ahead-log mode an exclusive lock keeps readers out too.
    async with locked(database, "DELETE"):
        status, err = await statuspage(*command, "--config", str(config), folder=tmp_path)
    assert_refused_plainly(status, err, "status.db is locked by another process", "fuser")


async def test_a_write_lock_held_elsewhere_stops_run_but_not_a_read_only_command(
    tmp_path: Path,
) -> None:
    database = await migrated_database(tmp_path)
    config = str(write_config(tmp_path))
    async with locked(database, "WAL"):  # readers still read, writers wait
        run_status, run_err = await statuspage("run", "--config", config, folder=tmp_path)
        read_status, _ = await statuspage("db", "current", "--config", config, folder=tmp_path)
    assert_refused_plainly(run_status, run_err, "status.db is locked by another process")
    assert read_status == 0


async def test_export_from_a_damaged_file_stops_with_what_to_do(tmp_path: Path) -> None:
    garbage(await migrated_database(tmp_path))
    args = argparse.Namespace(config=str(write_config(tmp_path)), out=str(tmp_path / "site"))
    with pytest.raises(StartupError, match=r"status\.db is not a SQLite database"):
        await asyncio.to_thread(export.run, args)
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("command", [["run"], ["serve"], ["db", "upgrade"]], ids=" ".join)
async def test_a_file_that_cannot_be_written_stops_start_up(
    command: list[str], tmp_path: Path
) -> None:
    """SQLite would open it read-only without a word and the service would start,
    failing every write after. `chattr +i`: tests run as root, whom chmod does not stop."""
    path = await migrated_database(tmp_path)
    config = write_config(tmp_path)
    with immutable(path):
        status, err = await statuspage(*command, "--config", str(config), folder=tmp_path)
    assert_refused_plainly(status, err, "status.db cannot be opened for writing", "chattr -i")


async def test_a_missing_file_is_not_created_by_serve(tmp_path: Path) -> None:
    status, err = await statuspage(
        "serve", "--config", str(write_config(tmp_path)), folder=tmp_path
    )
    assert status == 1, err
    assert "db upgrade" in err
    assert not (tmp_path / "status.db").exists()
