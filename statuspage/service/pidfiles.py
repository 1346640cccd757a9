"""Pid files, so `statuspage reload` can find the processes serving a config file."""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from probes.digits import ascii_int


def runtime_dir(environ: dict[str, str] | os._Environ[str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    explicit = env.get("STATUSPAGE_RUNTIME_DIR")
    if explicit:
        return Path(explicit)
    base = env.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(base) / f"statuspage-{os.getuid()}"


@contextmanager
def pid_file(config_path: Path, directory: Path | None = None) -> Iterator[Path]:
    """Record this process as serving `config_path` for as long as the block runs."""
    folder = directory or runtime_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{os.getpid()}.pid"
    path.write_text(str(config_path.resolve()), encoding="utf-8")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def signal_processes(
    config_path: Path, sig: signal.Signals, directory: Path | None = None
) -> list[int]:
    """Send `sig` to every live process serving `config_path`; forget dead ones."""
    folder = directory or runtime_dir()
    wanted = str(config_path.resolve())
    signalled: list[int] = []
    for entry in sorted(folder.glob("*.pid")) if folder.exists() else []:
        pid = ascii_int(entry.stem, 9)  # pids run to 4,194,304 at most
        if pid is None or pid <= 0 or not _alive(pid):
            entry.unlink(missing_ok=True)
            continue
        if entry.read_text(encoding="utf-8").strip() == wanted:
            os.kill(pid, sig)
            signalled.append(pid)
    return signalled
