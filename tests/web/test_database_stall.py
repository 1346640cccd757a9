"""A database that hangs, neither answering nor failing, must not take the pages with it.

PostgreSQL is reached through a real proxy that stops forwarding (as a frozen disk
stops SQLite: its thread blocks in the kernel, and a cancelled session still waits
for its close). Nothing on the database side gives up within the test, so an answer
can only come from the requests' own deadline (`DATABASE_WAIT_S`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import ClientResponse
from pytest_aiohttp import AiohttpClient
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from statuspage import keys
from statuspage.config import load_settings
from statuspage.http.serving import STALE_MARKER
from storage.database import Database
from storage.migrate import upgrade_database
from tests.app_client import Client, app_client
from tests.fault_proxy import FaultProxy, Mode
from tests.waiting import GENEROUS_S, eventually
from tests.web.factories import COMPONENTS, NOW, SITE, add_incident

pytestmark = pytest.mark.postgres
NOTE = '<p class="stale-note"'
# What hangs: the data stamp every request asks for first, or the render after a
# change committed in this process (the stamp was read before the stall).
HANGS = ["stamp", "render"]


@dataclass
class Stall:
    client: Client
    proxy: FaultProxy
    direct: Database  # the same database, not through the proxy

    async def begin(self, hangs: str) -> None:
        if hangs == "stamp":
            self.client.app[keys.WEB].watcher.interval_s = 0  # every request asks
        else:
            self.client.app[keys.WEB].watcher.interval_s = 3600  # asked once, before
            await add_incident(self.client.app[keys.DATABASE], "Committed just before")
        await self.proxy.switch(Mode.BLACKHOLE)

    async def end(self) -> None:
        """The server comes back: the frozen connections are reset, new ones forward."""
        await self.proxy.switch(Mode.REFUSE)
        await self.proxy.switch(Mode.FORWARD)
        state = self.client.app[keys.WEB]
        state.watcher.interval_s = 0  # the next request asks, as any would a second later
        await eventually(
            lambda: not state.watcher.reading and state.cache.in_flight() == 0,
            "the reads stuck in the stall to end",
        )


@pytest.fixture
async def stall(
    aiohttp_client: AiohttpClient, tmp_path: Path, postgres_url: str
) -> AsyncIterator[Stall]:
    await upgrade_database(postgres_url)
    server = make_url(postgres_url)
    proxy = await FaultProxy(server.port or 5432, server.host or "127.0.0.1").start()
    proxied = server.set(port=proxy.port).render_as_string(hide_password=False)
    config = tmp_path / "statuspage.toml"
    storage = f'[storage]\nurl = "{proxied}"\nconnect_timeout_s = 60\nstatement_timeout_s = 3600'
    config.write_text(f"{SITE}\n{storage}\n{COMPONENTS}", "utf-8")
    client = await app_client(aiohttp_client, load_settings(config, {}), lambda: NOW)
    state = client.app[keys.WEB]
    state.watcher.timeout_s = state.render_timeout_s = 3600  # nothing of ours gives up either
    direct = Database.from_url(postgres_url)
    try:
        yield Stall(client, proxy, direct)
    finally:
        await proxy.close()
        await direct.dispose()


async def get(client: Client, path: str) -> ClientResponse:
    """The response, failing the test if it does not come."""
    async with asyncio.timeout(GENEROUS_S):
        response = await client.get(path, headers={"Accept-Encoding": "identity"})
        await response.read()
        return response


@pytest.mark.parametrize("hangs", HANGS)
async def test_a_page_rendered_before_is_served_from_the_cache_while_the_database_hangs(
    stall: Stall, hangs: str
) -> None:
    before = await (await get(stall.client, "/")).text()
    await stall.begin(hangs)
    during = await get(stall.client, "/")
    assert during.status == 200
    text = await during.text()
    note_at = text.index(NOTE)
    note = text[note_at : text.index("</p>", note_at) + len("</p>")]
    assert "live data is temporarily unavailable" in note
    assert text.replace(note, STALE_MARKER) == before  # otherwise the very same page
    assert during.headers["Content-Type"] == "text/html; charset=utf-8"
    assert during.headers["Cache-Control"] == "public, max-age=5"


@pytest.mark.parametrize("hangs", HANGS)
async def test_a_json_document_served_before_is_served_unchanged_while_the_database_hangs(
    stall: Stall, hangs: str
) -> None:
    before = await get(stall.client, "/api/v2/summary.json")
    await stall.begin(hangs)
    during = await get(stall.client, "/api/v2/summary.json")
    assert during.status == 200
    assert await during.read() == await before.read()
    assert during.headers["Content-Type"] == before.headers["Content-Type"]


@pytest.mark.parametrize("hangs", HANGS)
async def test_a_page_never_rendered_is_a_503_with_retry_after_while_the_database_hangs(
    stall: Stall, hangs: str
) -> None:
    await get(stall.client, "/")  # the app has read the database once
    await stall.begin(hangs)
    response = await get(stall.client, "/history")
    assert response.status == 503
    assert response.headers["Retry-After"] == "30"


async def test_while_the_database_hangs_a_page_has_one_render_at_a_time(stall: Stall) -> None:
    await get(stall.client, "/")
    await stall.begin("render")
    await get(stall.client, "/")  # its render is stuck behind the answer
    database = stall.client.app[keys.DATABASE]
    for _ in range(3):
        database.version += 1  # as each commit in this process moves it
        assert (await get(stall.client, "/")).status == 200
    pool = database.engine.pool
    assert isinstance(pool, QueuePool)
    assert pool.checkedout() == 1  # the one stuck render holds the one connection


@pytest.mark.parametrize("hangs", HANGS)
async def test_after_the_stall_a_write_shows_on_the_next_request(stall: Stall, hangs: str) -> None:
    await get(stall.client, "/")
    await stall.begin(hangs)
    assert NOTE in await (await get(stall.client, "/")).text()
    await stall.end()
    await add_incident(stall.direct, "Written after the stall")
    after = await (await get(stall.client, "/")).text()
    assert "Written after the stall" in after
    assert NOTE not in after
