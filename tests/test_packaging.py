"""The wheel carries everything the service reads at run time: templates, static
files and migrations, so the Docker image (which installs the wheel) works."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

# Real processes: start-up alone takes a second or more (`pytest -m "not slow"` skips).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


# What the Dockerfile copies into its build stage.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md")
BUILD_FOLDERS = ("probes", "storage", "statuspage", "templates", "schemas")


def build_tree(target: Path) -> Path:
    """A clean copy of what the image builds from: no stale build/ folder can fill in
    what the packaging metadata leaves out."""
    for name in BUILD_INPUTS:
        shutil.copy2(ROOT / name, target / name)
    for name in BUILD_FOLDERS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_the_wheel_carries_templates_static_files_and_migrations(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
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
            str(build_tree(tmp_path / "src")),
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
    # Every file under templates/, whatever its kind: the admin area reads its
    # stylesheet from there when it starts.
    sources = {p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").rglob("*.*")}
    assert "templates/admin/admin.css" in sources
    assert {"statuspage/" + s for s in sources} - names == set()
