"""The judge of silence never blames a component for its own trouble: `statuspage run`
(probes, jobs and web in one process, as `create_app` builds it) over a real SQLite
file, probing a healthy target on 127.0.0.1, with the service's clock moved by the test.

A database locked by someone else (the writer buffers, retries) and the process's own
loop standing still (a SIGSTOP, a blocking call) both leave the committed results
older than the staleness limit; neither may mark a component "No Recent Data", show it
degraded in the API or fire the no-recent-data alert. A component nobody probes any
more still goes silent after the limit."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpClient, AiohttpServer

from probes.clock import system_clock
from statuspage import keys
from statuspage.config import load_settings
from statuspage.service.roles import Roles
from storage.alerts.reads import list_alerts
from storage.database import Database
from storage.freshness import stale_components
from storage.migrate import upgrade_database
from storage.queries.recent import recent_results
from storage.status import statuses_in_force
from storage.vocabulary import AlertState
from tests.app_client import Client, app_client
from tests.service.conftest import CALLS, flaky_app
from tests.waiting import eventually

STALE_AFTER_S = 5  # the smallest staleness the settings allow
ALL_ROLES = Roles(probes=True, jobs=True, web=True)


@dataclass
class MovableClock:
    """The service's clock: it runs (each probe run's slot comes from it), an hour
    behind the wall clock APScheduler fires on, and the test moves it on. The probes'
    misfire check reads this clock, so moving it on by minutes never makes a run look
    late and skipped."""

    shift: timedelta = timedelta(hours=-1)

    def __call__(self) -> datetime:
        return system_clock() + self.shift

    @property
    def now(self) -> datetime:
        return self()

    def advance(self, seconds: float) -> None:
        self.shift += timedelta(seconds=seconds)


def every_second(component_id: str, name: str) -> str:
    """A component probed every second at `{target}` (the test's server, filled in with
    the rest of the config by `str.format`)."""
    return (
        f'\n[[components]]\nid = "{component_id}"\nname = "{name}"\nurl = "{{target}}"\n'
        "sla_ms = 2000\ninterval_s = 1\ntimeout_s = 1\n"
    )


CONFIG = (
    """
[storage]
url = "sqlite:///{db}"
statement_timeout_s = 1

[probes]
stale_after_s = {stale}
confirm_down_retries = 0

[alerting]
evaluate_every_s = 1
"""
    + every_second("api", "API")
    + every_second("quiet", "Quiet")
)


@dataclass
class Service:
    client: Client
    clock: MovableClock
    path: Path
    target: web.Application

    @property
    def probed(self) -> int:
        """Requests the target has had."""
        return int(self.target[CALLS]["n"])

    @property
    def app(self) -> web.Application:
        return self.client.app

    @property
    def db(self) -> Database:
        return self.app[keys.DATABASE]

    async def judge(self) -> int:
        """One round of the status job, as its schedule runs it, at the clock's time."""
        return await self.app[keys.JOBS].evaluate_statuses()

    async def newest(self, component_id: str) -> datetime | None:
        recent = await recent_results(self.db, since=self.clock.now - timedelta(hours=2))
        regions = recent.get(component_id, {})
        return max((rs[0].started_at for rs in regions.values() if rs), default=None)

    async def committed_since(self, at: datetime, *components: str) -> None:
        async def arrived() -> bool:
            for component_id in components:
                newest = await self.newest(component_id)
                if newest is None or newest < at:
                    return False
            return True

        await eventually(arrived, f"results of {components} from {at} committed")

    async def have_a_status(self) -> bool:
        """Judge; True once both components have a status (only then can they go silent)."""
        await self.judge()
        return set(await statuses_in_force(self.db)) == {"api", "quiet"}

    async def silenced(self) -> set[str]:
        return set(await stale_components(self.db))

    async def alerted(self) -> set[str]:
        """The components a no-recent-data alert is firing for, after a fresh round."""
        service = self.app[keys.ALERTING]
        rounds = service.rounds
        await eventually(lambda: service.rounds >= rounds + 2, "two alerting rounds")
        firing = await list_alerts(self.db, state=AlertState.FIRING)
        return {a.component_id or "" for a in firing if a.rule == "no-recent-data"}

    async def api_statuses(self) -> dict[str, str]:
        body = await (await self.client.get("/api/v2/components.json")).json()
        return {c["id"]: c["status"] for c in body["components"]}


@pytest.fixture
async def service(
    tmp_path: Path, aiohttp_client: AiohttpClient, aiohttp_server: AiohttpServer
) -> Service:
    target = await aiohttp_server(flaky_app(failures=0))
    path = tmp_path / "statuspage.db"
    await upgrade_database(f"sqlite:///{path}")
    config = tmp_path / "statuspage.toml"
    url = str(target.make_url("/health"))
    config.write_text(CONFIG.format(db=path, stale=STALE_AFTER_S, target=url), "utf-8")
    clock = MovableClock()
    client = await app_client(aiohttp_client, load_settings(config, {}), clock, ALL_ROLES)
    running = Service(client, clock, path, target.app)
    await eventually(running.have_a_status, "both components with a status")
    return running


@contextlib.contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Another connection holds the SQLite file's write lock (readers still read)."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        yield
        other.execute("COMMIT")
    finally:
        other.close()


def stop_probing(service: Service, component_id: str) -> None:
    """As a worker gone, or one that dropped the component: its results stop."""
    scheduler = service.app[keys.SCHEDULER]
    settings = service.app[keys.SETTINGS].current
    scheduler.apply([c for c in settings.components if c.id != component_id])


async def test_a_locked_database_marks_no_component_silent_when_it_is_released(
    service: Service,
) -> None:
    writer = service.app[keys.WRITER]
    with write_lock_held(service.path):
        service.clock.advance(10 * STALE_AFTER_S)  # committed results now far too old
        moved_on, probed = service.clock.now, service.probed
        # Three runs of each component since: their results wait in the buffer.
        await eventually(
            lambda: writer.failure is not None and service.probed >= probed + 6,
            "the writer failing on the lock while the probes go on",
        )
        await eventually(lambda: writer.pending >= 6, "the results buffered")
        # The results are buffered, not lost: the judge counts them as arrived.
        assert await service.judge() == 0
    await service.judge()  # the writer may not have caught up yet
    assert await service.silenced() == set()
    await service.committed_since(moved_on, "api", "quiet")
    await service.judge()
    assert await service.silenced() == set()
    assert await service.alerted() == set()
    assert await service.api_statuses() == {"api": "operational", "quiet": "operational"}


def stand_still(service: Service) -> None:
    """A SIGSTOP in miniature: the loop stands still for longer than any component may
    go without results, and the clock moves on by a minute meanwhile."""
    service.clock.advance(60)
    time.sleep(STALE_AFTER_S + 0.5)


async def test_the_processs_own_stall_marks_no_component_silent(service: Service) -> None:
    stop_probing(service, "quiet")
    asyncio.get_running_loop().call_soon(stand_still, service)
    await asyncio.sleep(0)
    await service.judge()
    assert await service.silenced() == set()
    assert await service.api_statuses() == {"api": "operational", "quiet": "operational"}


async def test_a_component_nobody_probes_goes_silent_after_the_limit_even_after_a_stall(
    service: Service,
) -> None:
    stop_probing(service, "quiet")
    loop = asyncio.get_running_loop()
    loop.call_soon(stand_still, service)
    await asyncio.sleep(0)
    await service.judge()
    service.clock.advance(STALE_AFTER_S + 1)
    await service.committed_since(service.clock.now, "api")
    await service.judge()
    assert await service.silenced() == {"quiet"}
    assert await service.alerted() == {"quiet"}
    assert await service.api_statuses() == {
        "api": "operational",
        "quiet": "degraded_performance",  # the documented v2 word for no recent data
    }
