"""The writer lock of a SQLite file: `<database>.lock`, held with flock."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from storage.writer_lock import DatabaseInUse, hold_writer_lock
from tests.immutable import clear_immutable, set_immutable


def refusal(database: Path) -> DatabaseInUse:
    """Try to take the lock while it is held; what the refusal says."""
    with pytest.raises(DatabaseInUse) as refused, hold_writer_lock(database):
        pass
    return refused.value


def test_a_second_holder_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    database = tmp_path / "status.db"
    # flock belongs to the open file, so a second open in this process conflicts as
    # another process's would.
    with hold_writer_lock(database):
        refused = refusal(database)
    assert refused.owner_pid == os.getpid()
    assert refused.lock == tmp_path / "status.db.lock"


def test_the_lock_is_free_again_and_its_file_gone_after_the_holder_ends(tmp_path: Path) -> None:
    database = tmp_path / "status.db"
    with hold_writer_lock(database) as path:
        assert path.read_text() == f"{os.getpid()}\n"
    assert not path.exists()
    with hold_writer_lock(database):
        pass


def test_a_file_left_by_a_dead_holder_does_not_block(tmp_path: Path) -> None:
    left = tmp_path / "status.db.lock"
    left.write_text("4194304\n")  # a pid, but nobody holds the lock
    with hold_writer_lock(tmp_path / "status.db") as path:
        assert path.read_text() == f"{os.getpid()}\n"


def test_a_lock_file_removed_between_opening_and_locking_is_locked_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The owner may remove the file just after we opened it: a lock on that orphan
    would hold nobody off, so the file now at the path is opened and locked instead."""
    opened: list[int] = []
    real_open = os.open

    def open_as_the_owner_leaves(path: str, flags: int, mode: int = 0o777) -> int:
        fd = real_open(path, flags, mode)
        if not opened:
            os.unlink(path)
        opened.append(fd)
        return fd

    database = tmp_path / "status.db"
    with monkeypatch.context() as patch:
        patch.setattr(os, "open", open_as_the_owner_leaves)
        holding = hold_writer_lock(database)
        holding.__enter__()
    try:
        assert len(opened) == 2
        assert refusal(database).owner_pid == os.getpid()
    finally:
        holding.__exit__(None, None, None)


def test_a_lock_file_that_cannot_be_removed_does_not_fail_the_exit(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """On a file system turned read-only the unlink fails; the exit must go on (to the
    "results were never recorded" line and exit status 3). An immutable folder refuses
    the unlink the same way (EPERM instead of EROFS)."""
    folder = tmp_path / "data"
    folder.mkdir()
    try:
        with hold_writer_lock(folder / "status.db") as path:
            set_immutable(folder)
    finally:
        clear_immutable(folder)
    assert path.exists()
    assert "could not remove the lock file" in caplog.text
    with hold_writer_lock(folder / "status.db"):  # what is left blocks nobody
        pass
