#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11 and pip.

    python3 dev.py run    create .venv if needed, install, start the demo service
    python3 dev.py test   create .venv if needed, install, run linters, types and tests
    python3 dev.py screenshots   the page in each state at 1280 and 360 px, into docs/screenshots

Only the standard library is used here, because this script runs before
anything is installed. The venv is reinstalled when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-from"


def _sh(*command: str | Path) -> None:
    printable = " ".join(str(part) for part in command)
    print(f"+ {printable}", flush=True)
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True)


def _create_venv() -> None:
    try:
        _sh(sys.executable, "-m", "venv", VENV)
    except subprocess.CalledProcessError:
        # Debian's python3 ships venv without ensurepip unless python3-venv is
        # installed; virtualenv from pip does the same job without it.
        _sh(sys.executable, "-m", "pip", "install", "--user", "virtualenv")
        _sh(sys.executable, "-m", "virtualenv", VENV)


def ensure_venv() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not (BIN / "python").exists():
        _create_venv()
    _sh(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _sh(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


def run(extra: list[str]) -> None:
    _sh(BIN / "statuspage", "demo", *extra)


def test(extra: list[str]) -> None:
    _sh(BIN / "ruff", "format", "--check", ".")
    _sh(BIN / "ruff", "check", ".")
    _sh(BIN / "mypy")
    _sh(BIN / "pytest", *extra)


def screenshots(extra: list[str]) -> None:
    _sh(BIN / "python", ROOT / "bench" / "screenshots.py", *extra)


def main() -> int:
    tasks = {"run": run, "test": test, "screenshots": screenshots}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        print(__doc__)
        return 2
    ensure_venv()
    try:
        tasks[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
