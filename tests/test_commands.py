"""Every command the README documents exists in the installed `statuspage` program,
and every command the program has is documented: run as a user runs it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from statuspage import commands
from statuspage.cli import build_parser

# Starts real processes (`pytest -m "not slow"` skips it).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CONFIG = """
[site]
name = "Export check"

[[components]]
id = "api"
name = "API"
url = "http://127.0.0.1:9/health"
sla_ms = 100
"""


def installed_statuspage() -> str:
    """The console script pip installed beside this interpreter (not `python -m`)."""
    found = shutil.which("statuspage", path=sysconfig.get_path("scripts"))
    if found is None:
        pytest.fail("the statuspage entry point is not installed: run `python3 dev.py test`")
    return found


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATUSPAGE_")}
    return env | {"STATUSPAGE_RUNTIME_DIR": str(tmp_path / "run")}


def statuspage(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [installed_statuspage(), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env or clean_env(tmp_path),
        timeout=120,
        check=False,
    )


def readme_commands() -> list[str]:
    """First word after `statuspage` in each row of the README's command table."""
    section = README.read_text(encoding="utf-8").split("\n## Commands\n", 1)[1]
    table = section.split("\n## ", 1)[0]
    return re.findall(r"^\| `statuspage ([a-z][a-z-]*)", table, re.MULTILINE)


def help_commands(help_text: str) -> list[str]:
    """The commands `statuspage --help` lists: four-space indented names under COMMAND."""
    listing = help_text.split("\n  COMMAND\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^ {4}([a-z][a-z-]*)(?:\s|$)", listing, re.MULTILINE)


def test_the_readme_documents_fourteen_commands() -> None:
    assert len(readme_commands()) == 14


def test_the_help_and_the_readme_name_the_same_commands(tmp_path: Path) -> None:
    result = statuspage(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    assert sorted(help_commands(result.stdout)) == sorted(readme_commands())


def test_every_documented_command_answers_help(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    running = {
        name: subprocess.Popen(
            [installed_statuspage(), name, "--help"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=env,
        )
        for name in readme_commands()
    }
    answers = {name: (p.communicate(timeout=120), p.returncode) for name, p in running.items()}
    for name, ((out, err), returncode) in answers.items():
        assert returncode == 0, f"statuspage {name} --help: {err}"
        assert out.startswith(f"usage: statuspage {name}"), out


def test_export_writes_the_site_through_the_installed_program(tmp_path: Path) -> None:
    (tmp_path / "statuspage.toml").write_text(CONFIG, encoding="utf-8")
    upgraded = statuspage(tmp_path, "db", "upgrade", "--config", "statuspage.toml")
    assert upgraded.returncode == 0, upgraded.stderr
    exported = statuspage(tmp_path, "export", "--config", "statuspage.toml", "--out", "site")
    assert exported.returncode == 0, exported.stderr
    assert "exported" in exported.stdout
    for written in (
        "index.html",
        "history.atom",
        "api/v2/summary.json",
        "components/api/index.html",
    ):
        assert (tmp_path / "site" / written).is_file(), written


def test_a_command_module_without_run_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "half_done.py").write_text("def add_parser(subparsers):\n    pass\n")
    monkeypatch.setattr(commands, "__path__", [*commands.__path__, str(tmp_path)])
    name = "statuspage.commands.half_done"
    try:
        with pytest.raises(TypeError, match=re.escape(f"{name} must define both")):
            build_parser()
    finally:
        sys.modules.pop(name, None)
