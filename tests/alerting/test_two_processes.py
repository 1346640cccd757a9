"""Two real `statuspage probe` processes on one PostgreSQL database, probing the same
failing target: one evaluates (the other waits on the lock), the alert fires once,
and when the evaluator is killed the other takes over without firing it again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpServer

from statuspage.config import load_settings
from statuspage.service.startup import open_database
from storage.alerts.reads import AlertView, list_alerts
from tests.alerting.helpers import FAST_ALERTING, SwitchableTarget
from tests.service.cli_process import Service, environment
from tests.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CONFIG = (
    """
[storage]
url = "{url}"

"""
    + FAST_ALERTING
)

EVALUATING = "alerting: evaluating here"


async def test_two_probe_processes_fire_once_and_cover_for_each_other(
    tmp_path: Path,
    postgres_url: str,
    aiohttp_server: AiohttpServer,
) -> None:
    state = SwitchableTarget(failing=True)
    target = await state.serve(aiohttp_server)
    url = postgres_url
    config = tmp_path / "statuspage.toml"
    config.write_text(CONFIG.format(url=url, target=target), "utf-8")
    env = environment(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "statuspage", "db", "upgrade", "--config", str(config)],
        env=env,
        check=True,
        capture_output=True,
    )
    db = open_database(load_settings(config, {}))
    first = await Service.start("probe", "--config", str(config), env=env)
    second = await Service.start("probe", "--config", str(config), env=env)
    try:

        async def alerts() -> list[AlertView]:
            return await list_alerts(db)

        async def fired() -> bool:
            return any(a.fired_at is not None for a in await alerts())

        await eventually(fired, "the alert to fire", timeout_s=60)
        leader, other = (first, second) if first.logged(EVALUATING) else (second, first)
        assert leader.logged(EVALUATING) == 1
        assert other.logged(EVALUATING) == 0
        (alert,) = await alerts()

        await leader.kill()
        await other.logged_until(EVALUATING, seconds=60)
        state.failing = False  # only the new evaluator can resolve it now

        async def resolved() -> bool:
            return all(a.resolved_at is not None for a in await alerts())

        await eventually(resolved, "the new evaluator to resolve the alert", timeout_s=60)
        (after,) = await alerts()  # the same alert: not fired a second time
        assert (after.id, after.fired_at) == (alert.id, alert.fired_at)
    finally:
        for service in (first, second):
            await service.kill()
        await db.dispose()
