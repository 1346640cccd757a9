"""A probe worker cut off from PostgreSQL (a proxy between them stops answering) gives
up its share before its lease runs out, the others take it, and nothing is probed
twice; when the network comes back it rejoins and takes its share back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpServer
from sqlalchemy.engine import make_url

from tests.fault_proxy import FaultProxy, Mode
from tests.service.cli_process import Service, environment
from tests.service.test_workers_cover import COMPONENTS
from tests.service.worker_cluster import (
    INTERVAL_S,
    TAKEOVER_S,
    Target,
    database,
    doubles,
    live,
    owned_by,
    probed_three_times_since,
    start_workers,
    upgrade,
    write_config,
)
from tests.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

FAST_TIMEOUTS = "connect_timeout_s = 1\nstatement_timeout_s = 1"


@pytest.fixture
async def proxy(postgres_url: str) -> AsyncIterator[FaultProxy]:
    server = make_url(postgres_url)
    proxy = await FaultProxy(server.port or 5432, server.host or "127.0.0.1").start()
    yield proxy
    await proxy.close()


async def test_a_worker_cut_off_from_postgres_hands_over_and_comes_back(
    tmp_path: Path,
    postgres_url: str,
    proxy: FaultProxy,
    aiohttp_server: AiohttpServer,
) -> None:
    target = Target()
    base = await target.serve(aiohttp_server)
    config = write_config(tmp_path, postgres_url, base, len(COMPONENTS))
    upgrade(config, tmp_path)
    proxied = make_url(postgres_url).set(port=proxy.port).render_as_string(hide_password=False)
    (tmp_path / "cut").mkdir()
    cut_config = write_config(tmp_path / "cut", proxied, base, len(COMPONENTS), FAST_TIMEOUTS)
    db = database(config)
    workers = await start_workers(config, tmp_path, 2)
    cut = await Service.start("probe", "--config", str(cut_config), env=environment(tmp_path))
    loop = asyncio.get_running_loop()
    try:

        async def three() -> bool:
            members = await live(db)
            return len(members) == 3 and all(w.share > 0 for w in members)

        await eventually(three, "three workers sharing the region", timeout_s=90)
        orphans = owned_by(COMPONENTS, await live(db), cut.pid)
        await proxy.switch(Mode.BLACKHOLE)
        cut_at = loop.time()
        await eventually(
            lambda: all(target.since(cut_at + TAKEOVER_S / 2).get(c) for c in orphans),
            "the others to take the cut-off worker's components",
            timeout_s=90,
        )
        # The windows below end on events (every component probed three times in
        # them), not after a set time, so a slow machine only makes them longer.
        start = loop.time()
        await probed_three_times_since(target, COMPONENTS, start)
        assert doubles(target.since(start)) == {}  # the cut-off worker stopped probing

        await proxy.switch(Mode.FORWARD)
        await eventually(three, "the worker to rejoin", timeout_s=90)
        await asyncio.sleep(2 * INTERVAL_S)  # the others drop its share at their next look
        start = loop.time()
        await probed_three_times_since(target, COMPONENTS, start)
        assert doubles(target.since(start)) == {}
    finally:
        for worker in [*workers, cut]:
            await worker.kill()
        await db.dispose()
