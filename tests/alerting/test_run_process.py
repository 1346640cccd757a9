"""A real `statuspage run` against a target that starts failing and then recovers:
the alert fires and resolves, seen through the write API as other tools see it, and
the people on call hear both through a Slack channel (a receiver on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pytest_aiohttp import AiohttpServer

from tests.alerting.helpers import FAST_ALERTING, SwitchableTarget
from tests.notify.helpers import channels_config
from tests.notify.receivers import Receiver, receiver
from tests.service.cli_process import Service, environment, free_port, is_up

pytestmark = pytest.mark.slow

CONFIG = (
    """
[site]
name = "Acme Status"

[server]
port = {port}
secret_key = "{secret}"

[storage]
url = "sqlite:///{db}"

"""
    + FAST_ALERTING
)


@pytest.fixture
async def target(aiohttp_server: AiohttpServer) -> tuple[SwitchableTarget, str]:
    state = SwitchableTarget()
    return state, await state.serve(aiohttp_server)


def statuspage(folder: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "statuspage", *args, "--config", str(folder / "statuspage.toml")],
        capture_output=True,
        text=True,
        env=environment(folder),
        check=True,
    )
    return done.stdout.strip()


async def alerts(port: int, token: str, state: str | None = None) -> list[dict[str, Any]]:
    query = f"?state={state}" if state else ""
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        aiohttp.ClientSession() as client,
        client.get(f"http://127.0.0.1:{port}/api/admin/alerts{query}", headers=headers) as answer,
    ):
        assert answer.status == 200
        body = await answer.json()
        return list(body["alerts"])


async def until(what: str, check: Any, seconds: float = 60) -> list[dict[str, Any]]:
    async with asyncio.timeout(seconds):
        while True:
            found = await check()
            if found:
                return list(found)
            await asyncio.sleep(0.2)
    raise AssertionError(what)  # pragma: no cover


def heard(slack: Receiver) -> list[str]:
    return [m["text"].split(":")[0] for m in slack.bodies()]


async def test_a_target_that_fails_fires_an_alert_and_its_recovery_resolves_it(
    tmp_path: Path, target: tuple[SwitchableTarget, str], aiohttp_server: AiohttpServer
) -> None:
    state, base = target
    slack = await receiver(aiohttp_server)
    port = free_port()
    config = CONFIG.format(port=port, secret="s" * 40, db=tmp_path / "page.db", target=base)
    (tmp_path / "statuspage.toml").write_text(config + channels_config(slack=slack.url), "utf-8")
    statuspage(tmp_path, "db", "upgrade")
    token = statuspage(tmp_path, "token", "create", "tests").split()[-1]
    service = await Service.start(
        "run", "--config", str(tmp_path / "statuspage.toml"), env=environment(tmp_path), port=port
    )
    try:
        await service.health_until(is_up)
        await service.logged_until("alerting: evaluating here")
        assert await alerts(port, token) == []

        state.failing = True
        firing = await until("the alert to fire", lambda: alerts(port, token, "firing"))
        (alert,) = firing
        assert alert["rule"] == "api-errors"
        assert alert["severity"] == "critical"
        assert alert["component_id"] == "api"
        assert alert["figures"]["error_rate_percent"] > 20

        async def slack_heard(*words: str) -> list[str]:
            return heard(slack) if heard(slack) == list(words) else []

        await until("Slack to hear it fire", lambda: slack_heard("Critical"))
        state.failing = False

        async def resolved() -> list[dict[str, Any]]:
            return [a for a in await alerts(port, token, "resolved") if a["id"] == alert["id"]]

        (done,) = await until("the alert to resolve", resolved)
        assert done["resolved_at"] is not None
        assert await alerts(port, token, "firing") == []
        await until("Slack to hear it resolve", lambda: slack_heard("Critical", "Resolved"))
    finally:
        assert await service.stop() == 0
