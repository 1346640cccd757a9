"""The "secret_key is not set" warning comes from a process that serves the admin
area, once, and from nothing else (an export or a benchmark signs nobody in)."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

import pytest

from statuspage.app import create_app
from statuspage.config import load_settings
from statuspage.service.roles import Roles
from tests.service.test_process import free_port
from tests.test_commands import CONFIG, clean_env, installed_statuspage, statuspage

# Starts real processes (`pytest -m "not slow"` skips it).
pytestmark = pytest.mark.slow

WARNING = "secret_key is not set"


def write_config(folder: Path) -> Path:
    path = folder / "statuspage.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def test_export_does_not_warn_about_the_secret_key(tmp_path: Path) -> None:
    write_config(tmp_path)
    assert statuspage(tmp_path, "db", "upgrade").returncode == 0
    exported = statuspage(tmp_path, "export", "--out", "site")
    assert exported.returncode == 0, exported.stderr
    assert WARNING not in exported.stderr + exported.stdout


async def test_building_the_web_app_does_not_warn(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(write_config(tmp_path), {})
    with caplog.at_level(logging.WARNING):
        create_app(settings, Roles(probes=False, jobs=False, web=True))
    assert [r.getMessage() for r in caplog.records if WARNING in r.getMessage()] == []


async def stderr_of_a_stopped(command: str, folder: Path) -> str:
    """Start `statuspage <command>`, wait until it listens, stop it, return its stderr."""
    env = clean_env(folder) | {"STATUSPAGE_PORT": str(free_port())}
    process = await asyncio.create_subprocess_exec(
        installed_statuspage(),
        command,
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    lines: list[bytes] = []
    while b"listening" not in (line := await asyncio.wait_for(process.stderr.readline(), 60)):
        assert line, f"exited before listening: {b''.join(lines).decode()}"
        lines.append(line)
    process.send_signal(signal.SIGINT)
    _, rest = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    return b"".join([*lines, line]).decode() + (rest or b"").decode()


@pytest.mark.parametrize("command", ["serve", "run"])
async def test_a_process_serving_the_admin_area_warns_once(command: str, tmp_path: Path) -> None:
    write_config(tmp_path)
    assert statuspage(tmp_path, "db", "upgrade").returncode == 0
    assert (await stderr_of_a_stopped(command, tmp_path)).count(WARNING) == 1
