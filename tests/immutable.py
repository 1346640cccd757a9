"""`chattr +i`: a file (or folder) nobody may change, root included. Tests run as root,
for whom `chmod` takes nothing away, so this is how they make a file read-only."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _chattr(flag: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["chattr", flag, str(path)], capture_output=True, text=True, check=False, timeout=30
    )


def set_immutable(path: Path) -> None:
    """Make `path` immutable, or skip the test where `chattr` cannot (no tool, no
    privilege, a file system without the flag)."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    done = _chattr("+i", path)
    if done.returncode != 0:
        pytest.skip(f"chattr +i refused here: {done.stderr.strip()}")


def clear_immutable(path: Path) -> None:
    done = _chattr("-i", path)
    assert done.returncode == 0, done.stderr


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """`path` immutable inside the block, and never left so (pytest must remove it)."""
    set_immutable(path)
    try:
        yield
    finally:
        clear_immutable(path)
