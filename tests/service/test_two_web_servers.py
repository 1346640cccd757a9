"""Two real `statuspage serve` processes on one PostgreSQL database, as behind a load
balancer: after a write elsewhere (another process), both serve the same page and the
same JSON within a few seconds, and both stay identical afterwards."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import aiohttp
import pytest

from probes.clock import system_clock
from storage.database import Database
from storage.freshness import Staleness, record_staleness
from storage.status import record_status_change
from tests.service.cli_process import Service, environment, free_port
from tests.service.worker_cluster import database, upgrade
from tests.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# The data stamp is read at most once a second (statuspage.http.data_stamp); a loaded
# machine adds its own delay, so "a few seconds" is asserted with room to spare.
CONVERGE_S = 10.0

# What each response shows once the write is seen; the feeds (no incident yet) are
# dated by the page's latest change, so they differ from what they served before.
# Every feed is here: the site's and the component's history, and the updates feed,
# each in both formats, all served through the one cache and data stamp.
SHOWN = {
    "/": "Major Outage",
    "/api/v2/components.json": '"major_outage"',
    "/api/v2/status.json": '"indicator":"critical"',  # its only component is down
    "/history.rss": None,
    "/history.atom": None,
    "/updates.rss": None,
    "/updates.atom": None,
    "/components/api/history.rss": None,
    "/components/api/history.atom": None,
}

# A page's "this page was generated <time>" is each server's own render time: the one
# stretch of a body two servers may legitimately disagree on.
GENERATED = re.compile(
    r'this page was generated <time [^>]*>[^<]*</time>( <span class="utc">[^<]*</span>)?'
)

LAST_BUILD = re.compile(r"<lastBuildDate>([^<]*)</lastBuildDate>")

CONFIG = """
[storage]
url = "{url}"

[server]
port = {port}

[[components]]
id = "api"
name = "API"
url = "http://127.0.0.1:9/health"
sla_ms = 500
"""


class Web:
    def __init__(self, services: list[Service], db: Database) -> None:
        self.services, self.db = services, db

    async def get(self, service: Service, path: str) -> str:
        async with (
            aiohttp.ClientSession() as client,
            client.get(f"http://127.0.0.1:{service.port}{path}") as response,
        ):
            assert response.status == 200
            return await response.text()

    async def both(self, path: str) -> list[str]:
        return [await self.get(s, path) for s in self.services]

    async def converge(
        self, path: str, fragment: str, before: list[str] | None = None
    ) -> list[str]:
        """Wait until both processes serve `fragment` at `path`, each a body unlike its
        `before`; returns the bodies they served then."""
        served: list[str] = []

        async def shown() -> bool:
            served[:] = await self.both(path)
            changed = before is None or all(b != o for b, o in zip(served, before, strict=True))
            return changed and all(fragment in body for body in served)

        await eventually(shown, f"{fragment!r} at {path} on both servers", timeout_s=60)
        return served


@pytest.fixture
async def web(tmp_path: Path, postgres_url: str) -> AsyncIterator[Web]:
    services = []
    for n in range(2):
        folder = tmp_path / f"web{n}"
        folder.mkdir()
        port = free_port()
        config = folder / "statuspage.toml"
        config.write_text(CONFIG.format(url=postgres_url, port=port), "utf-8")
        if n == 0:
            upgrade(config, folder)
        services.append(
            await Service.start(
                "serve", "--config", str(config), env=environment(folder), port=port
            )
        )
    db = database(config)
    try:
        for service in services:
            await service.health_until(lambda status, body: status == 200)
        yield Web(services, db)
    finally:
        for service in services:
            await service.stop()
        await db.dispose()


async def test_both_servers_show_a_status_written_elsewhere_within_seconds(web: Web) -> None:
    # Every response below is cached on both servers before the write: only the data
    # stamp can tell them the cached copy is stale.
    before = {path: await web.both(path) for path in SHOWN}
    assert GENERATED.search(before["/"][0])  # what the comparison leaves out is there
    # RSS dates are to the second: a write in the second the feed already shows (the
    # servers' start) could not move it.
    dated = parsedate_to_datetime(LAST_BUILD.findall(before["/history.rss"][0])[0])
    await eventually(lambda: system_clock() - dated >= timedelta(seconds=1), "a later second")
    loop = asyncio.get_running_loop()
    written = loop.time()
    await record_status_change(web.db, "api", "major_outage", at=system_clock(), source="probe")
    for path, fragment in SHOWN.items():
        first, second = await web.converge(path, fragment or "", before[path])
        assert loop.time() - written <= CONVERGE_S, path
        assert GENERATED.sub("", first) == GENERATED.sub("", second), path


async def test_both_servers_show_silence_marked_elsewhere_within_seconds(web: Web) -> None:
    now = system_clock()
    await record_status_change(web.db, "api", "operational", at=now, source="probe")
    await web.converge("/", "Operational")
    loop = asyncio.get_running_loop()
    written = loop.time()
    await record_staleness(web.db, {"api": Staleness(now, now)}, now=now)
    await web.converge("/", "No Recent Data")
    assert loop.time() - written <= CONVERGE_S
