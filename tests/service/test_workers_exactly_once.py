"""Three real probe workers and two web servers on PostgreSQL, one failing component:
the alert fires once and its webhook is sent once, and both pages show the outage; the
process evaluating alerts is killed, a survivor takes over, the recovery is announced
once (the firing is not repeated), and both pages recover. Roll-ups and retention
rounds run under per-round advisory locks (`storage.locks.run_once`), which a killed
holder releases with its connection; the survivor's next round does them."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from pytest_aiohttp import AiohttpServer

from storage.alerts.reads import list_alerts
from storage.database import Database
from storage.notify.reads import list_notifications
from storage.vocabulary import NotificationState
from tests.alerting.helpers import FAST_ALERTING, SwitchableTarget
from tests.notify.helpers import channels_config
from tests.notify.receivers import Received, receiver
from tests.service.cli_process import Service, environment, free_port
from tests.service.worker_cluster import database, start_workers, upgrade
from tests.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

EVALUATING = "alerting: evaluating here"


def events(received: list[Received]) -> list[str]:
    return [r.headers.get("X-Statuspage-Event", "") for r in received]


def deliveries(received: list[Received]) -> set[str]:
    return {r.headers.get("X-Statuspage-Delivery", "") for r in received}


async def all_sent(db: Database) -> bool:
    page = await list_notifications(db)
    return bool(page.entries) and all(n.state == NotificationState.SENT for n in page.entries)


async def start_web(config: Path, folder: Path) -> Service:
    port = free_port()
    env = environment(folder) | {"STATUSPAGE_PORT": str(port)}
    server = await Service.start("serve", "--config", str(config), env=env, port=port)
    await server.health_until(lambda status, body: status == 200)
    return server


async def pages_say(web: list[Service], words: str) -> bool:
    """Both web servers' front pages show `words` for the component."""
    async with aiohttp.ClientSession() as client:
        for server in web:
            async with client.get(f"http://127.0.0.1:{server.port}/") as response:
                if words not in await response.text():
                    return False
    return True


async def test_a_killed_evaluator_leaves_one_firing_and_one_recovery_message(
    tmp_path: Path,
    postgres_url: str,
    aiohttp_server: AiohttpServer,
) -> None:
    folder = tmp_path
    target = SwitchableTarget(failing=True)
    base = await target.serve(aiohttp_server)
    hook = await receiver(aiohttp_server)
    config = folder / "statuspage.toml"
    config.write_text(
        f'[storage]\nurl = "{postgres_url}"\n'
        + FAST_ALERTING.format(target=base).replace("[probes]\n", "[probes]\nlease_s = 5\n")
        + channels_config(webhook=hook.url)
        + '\n[[routes]]\nseverities = ["critical"]\nchannels = ["hook"]\n',
        "utf-8",
    )
    upgrade(config, folder)
    db = database(config)
    workers = await start_workers(config, folder, 3)
    web = [await start_web(config, folder) for _ in range(2)]
    try:
        await eventually(
            lambda: "firing" in events(hook.received), "the firing message", timeout_s=90
        )
        await eventually(
            lambda: pages_say(web, "Major Outage"), "both pages to say so", timeout_s=60
        )
        # Delivery is at least once (statuspage.notify.sender): a holder killed between
        # the receiver's answer and marking the row sent sends again after the lease,
        # under the same X-Statuspage-Delivery id. Killed after the mark, nothing repeats.
        await eventually(lambda: all_sent(db), "the firing message marked sent", timeout_s=60)
        leader: Service = next(w for w in workers if w.logged(EVALUATING))
        await leader.kill()
        survivors = [w for w in workers if w is not leader]
        await eventually(
            lambda: any(w.logged(EVALUATING) for w in survivors),
            "a survivor to evaluate",
            timeout_s=90,
        )
        target.failing = False
        await eventually(
            lambda: "resolved" in events(hook.received), "the recovery message", timeout_s=120
        )
        (alert,) = await list_alerts(db)
        assert alert.resolved_at is not None
        assert events(hook.received) == ["firing", "resolved"]
        assert len(deliveries(hook.received)) == 2
        assert sum(w.logged(EVALUATING) for w in survivors) == 1
        await eventually(
            lambda: pages_say(web, "Operational"), "both pages to recover", timeout_s=60
        )
    finally:
        for worker in workers:
            await worker.kill()
        for server in web:
            await server.stop()
        await db.dispose()
