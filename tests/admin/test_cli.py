"""`statuspage user ...` and `statuspage token ...`, run as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from statuspage.config import Settings
from tests.admin.helpers import sign_in
from tests.app_client import Client

# Real processes: start-up alone takes a second or more (`pytest -m "not slow"` skips).
pytestmark = pytest.mark.slow

PASSWORD = "a long enough password"


def statuspage(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATUSPAGE_")}
    return subprocess.run(
        [sys.executable, "-m", "statuspage", *args, "--config", str(settings.source)],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
        check=False,
    )


async def test_a_user_added_from_the_command_line_can_sign_in(
    client: Client, settings: Settings
) -> None:
    added = statuspage(settings, "user", "add", "carol", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout == "added user carol\n"
    assert (await sign_in(client, "carol", PASSWORD)).status == 303
    listed = statuspage(settings, "user", "list")
    assert listed.stdout.startswith("carol\t")


async def test_a_new_password_from_the_command_line_ends_the_users_sessions(
    client: Client, settings: Settings
) -> None:
    statuspage(settings, "user", "add", "carol", "--password-stdin", stdin=PASSWORD)
    await sign_in(client, "carol", PASSWORD)
    changed = statuspage(
        settings, "user", "passwd", "carol", "--password-stdin", stdin="another long password"
    )
    assert changed.returncode == 0, changed.stderr
    assert (await client.get("/admin", allow_redirects=False)).status == 303
    removed = statuspage(settings, "user", "remove", "carol")
    assert removed.returncode == 0
    assert (await sign_in(client, "carol", "another long password")).status == 400


def test_a_short_password_is_refused(settings: Settings, tmp_path: Path) -> None:
    result = statuspage(settings, "user", "add", "dave", "--password-stdin", stdin="short\n")
    assert result.returncode == 1
    assert "at least 12 characters" in result.stderr


def test_a_password_is_never_taken_from_the_command_line(settings: Settings) -> None:
    result = statuspage(settings, "user", "add", "dave", "--password", PASSWORD)
    assert result.returncode == 2  # argparse: no such option


def test_without_a_terminal_or_stdin_flag_no_password_is_guessed(settings: Settings) -> None:
    result = statuspage(settings, "user", "add", "dave")
    assert result.returncode == 1
    assert "--password-stdin" in result.stderr


async def test_a_token_is_printed_once_and_can_be_listed_and_revoked(
    client: Client, settings: Settings
) -> None:
    created = statuspage(settings, "token", "create", "deploys")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("sp_")
    assert "shown only this once" in created.stderr
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.post("/api/admin/incidents", json={}, headers=headers)).status == 400
    listed = statuspage(settings, "token", "list")
    assert token not in listed.stdout
    assert token[:10] in listed.stdout
    revoked = statuspage(settings, "token", "revoke", "deploys")
    assert revoked.returncode == 0, revoked.stderr
    assert (await client.post("/api/admin/incidents", json={}, headers=headers)).status == 401
