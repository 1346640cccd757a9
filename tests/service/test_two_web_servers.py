"""Two real `statuspage serve` processes on one PostgreSQL database, as behind a load
balancer: after a write elsewhere (another process), both serve the same page and the
same JSON within a few seconds, and both stay identical afterwards."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from probes.clock import system_clock
from storage.database import Database
from storage.freshness import Staleness, record_staleness
from storage.status import record_status_change
from tests.service.cli_process import Service, environment, free_port
from tests.service.test_workers_cover import postgres_url  # noqa: F401  (a fixture)
from tests.service.worker_cluster import database, upgrade
from tests.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# The data stamp is read at most once a second (statuspage.http.data_stamp); a loaded
# machine adds its own delay, so "a few seconds" is asserted with room to spare.
CONVERGE_S = 10.0

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

    async def converge(self, path: str, fragment: str) -> float:
        """Seconds until both processes serve `fragment` at `path`."""
        loop = asyncio.get_running_loop()
        start = loop.time()

        async def shown() -> bool:
            return all(fragment in body for body in await self.both(path))

        await eventually(shown, f"{fragment!r} on both servers", timeout_s=60)
        return loop.time() - start


@pytest.fixture
async def web(tmp_path: Path, postgres_url: str) -> AsyncIterator[Web]:  # noqa: F811
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
    await web.both("/")  # both have a cached page now
    await record_status_change(web.db, "api", "major_outage", at=system_clock(), source="probe")
    assert await web.converge("/api/v2/components.json", '"major_outage"') <= CONVERGE_S
    assert await web.converge("/", "Major Outage") <= CONVERGE_S
    first, second = await web.both("/api/v2/components.json")
    assert first == second


async def test_both_servers_show_silence_marked_elsewhere_within_seconds(web: Web) -> None:
    now = system_clock()
    await record_status_change(web.db, "api", "operational", at=now, source="probe")
    await web.converge("/", "Operational")
    await record_staleness(web.db, {"api": Staleness(now, now)}, now=now)
    assert await web.converge("/", "No Recent Data") <= CONVERGE_S
