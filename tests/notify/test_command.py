"""`statuspage notify test CHANNEL`, run as an operator runs it, against a receiver."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpServer

from tests.notify.helpers import channels_config
from tests.notify.receivers import Answer, receiver
from tests.test_commands import clean_env, installed_statuspage

# Starts real processes (`pytest -m "not slow"` skips it).
pytestmark = pytest.mark.slow

SITE = """
[site]
name = "Acme Status"
"""


async def notify_test(tmp_path: Path, channels: str, name: str) -> tuple[int, str, str]:
    (tmp_path / "statuspage.toml").write_text(SITE + channels, "utf-8")
    process = await asyncio.create_subprocess_exec(
        installed_statuspage(),
        "notify",
        "test",
        name,
        "--config",
        "statuspage.toml",
        cwd=tmp_path,
        env=clean_env(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_it_prints_what_the_receiver_answered(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    hook = await receiver(aiohttp_server, Answer(200, "got it"))
    status, out, _ = await notify_test(tmp_path, channels_config(webhook=hook.url), "hook")
    assert (status, out) == (0, "hook (webhook): HTTP 200: got it\n")
    (request,) = hook.received
    assert request.json()["event"] == "test"
    assert request.json()["title"] == "Test message from Acme Status"


async def test_a_failure_exits_1_and_says_why_without_the_secret(
    tmp_path: Path, aiohttp_server: AiohttpServer
) -> None:
    slack = await receiver(aiohttp_server, Answer(404, "no_service"))
    url = slack.url + "/T000/B000/XXXXSECRETXXXX"
    status, _, err = await notify_test(tmp_path, channels_config(slack=url), "incidents")
    assert status == 1
    assert err == "incidents (slack): failed (permanent): HTTP 404: no_service\n"


async def test_an_unknown_channel_is_named(tmp_path: Path) -> None:
    status, _, err = await notify_test(tmp_path, "", "pager")
    assert status == 1
    assert "no channel named 'pager'" in err
