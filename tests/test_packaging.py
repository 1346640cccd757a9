"""The wheel carries everything the service reads at run time: templates, static
files and migrations, so the Docker image (which installs the wheel) works."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# Real processes: start-up alone takes a second or more (`pytest -m "not slow"` skips).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_carries_templates_static_files_and_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("statuspage-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "statuspage/templates/base.html",
        "statuspage/templates/home.html",
        "statuspage/templates/admin/base.html",
        "statuspage/static/style.css",
        "storage/migrations/env.py",
        "storage/migrations/versions/0001_initial.py",
        "storage/migrations/versions/0002_incidents.py",
        "statuspage/schemas/summary.json",
    }
    assert expected <= names
    sources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.html")}
    assert {"statuspage/" + s for s in sources} <= names
