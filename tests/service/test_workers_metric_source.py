"""Three real probe workers on PostgreSQL scrape a metric source once between them: the
application's /metrics is read by one live worker, each point is stored once, and when
that worker is killed a survivor takes the source over."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, Gauge
from pytest_aiohttp import AiohttpServer

from probes.clock import system_clock
from statuspage.rules.rendezvous import owner
from storage.database import Database
from storage.metrics.reads import points_since
from tests.metrics.helpers import serving
from tests.service.cli_process import Service
from tests.service.worker_cluster import (
    CLOCKS_S,
    INTERVAL_S,
    LEASE_S,
    TAKEOVER_S,
    Target,
    database,
    heartbeat_at,
    live,
    start_workers,
    upgrade,
    write_config,
)
from tests.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

JOB_ID = "metric-source:app"  # statuspage.app names each source's job so


def source(url: str) -> str:
    return (
        f'[[metric_sources]]\nname = "app"\nkind = "scrape"\nurl = "{url}"\n'
        f"interval_s = {INTERVAL_S}\n\n"
        '[[metrics]]\nid = "sessions"\nname = "Sessions"\nsource = "app"\n'
        'kind = "gauge"\nselector = "active_sessions"\n'
    )


@pytest.fixture
def exposition() -> Iterator[str]:
    registry = CollectorRegistry()
    Gauge("active_sessions", "Sessions open now", registry=registry).set(7)
    with serving(registry) as url:
        yield url


class Cluster:
    def __init__(self, db: Database, workers: list[Service]) -> None:
        self.db, self.workers = db, workers

    async def points_after(self, moment: datetime) -> list[datetime]:
        return [p.at for p in await points_since(self.db, "sessions", moment, 1000)]

    async def holder(self) -> Service:
        """The worker that owns the source, by the rule every worker applies."""
        workers = await live(self.db)
        mine = owner(JOB_ID, [w.worker_id for w in workers])
        pid = next(w.pid for w in workers if w.worker_id == mine)
        return next(s for s in self.workers if s.pid == pid)

    async def settled(self, count: int) -> datetime:
        """`count` live workers, and a point stored after all of them saw each other."""
        await eventually(lambda: self.live_count(count), f"{count} live workers", timeout_s=90)
        since = system_clock() + timedelta(seconds=2)  # past every worker's next look
        await eventually(lambda: self.stored_after(since), "a point after settling", timeout_s=60)
        return since

    async def live_count(self, count: int) -> bool:
        return len(await live(self.db)) == count

    async def stored_after(self, moment: datetime) -> bool:
        return bool(await self.points_after(moment))

    async def steady_window(self) -> list[datetime]:
        """From now until three points are stored: the points. The window ends on that
        event, not after a set time, so a slow machine only makes it longer."""
        start = system_clock()

        async def three() -> bool:
            return len(await self.points_after(start)) >= 3

        await eventually(three, "three points stored", timeout_s=90)
        return await self.points_after(start)


def too_close(points: list[datetime]) -> list[float]:
    """Gaps under half an interval: one scrape stored by two workers."""
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(points)]
    return [gap for gap in gaps if gap < INTERVAL_S / 2]


@pytest.fixture
async def cluster(
    tmp_path: Path,
    postgres_url: str,
    aiohttp_server: AiohttpServer,
    exposition: str,
) -> AsyncIterator[Cluster]:
    target = await Target().serve(aiohttp_server)
    config = write_config(tmp_path, postgres_url, target, 3, tail=source(exposition))
    upgrade(config, tmp_path)
    db = database(config)
    workers = await start_workers(config, tmp_path, 3)
    try:
        yield Cluster(db, workers)
    finally:
        for worker in workers:
            await worker.kill()
        await db.dispose()


async def test_three_workers_store_each_scrape_of_a_source_once(cluster: Cluster) -> None:
    await cluster.settled(3)
    window = await cluster.steady_window()
    assert len(window) >= 3
    assert too_close(window) == []


async def test_a_killed_holders_source_is_scraped_by_a_survivor(cluster: Cluster) -> None:
    await cluster.settled(3)
    victim = await cluster.holder()
    await victim.kill()  # SIGKILL: no goodbye, the lease must run out
    killed = system_clock()
    await eventually(
        lambda: cluster.stored_after(killed),
        "the source to be scraped again",
        timeout_s=90,
    )
    # A point stamped after the kill is a survivor's: the victim stamps before it stores.
    first = (await cluster.points_after(killed))[0]
    resumed = first - killed
    assert resumed.total_seconds() <= TAKEOVER_S
    # Judged from the victim's last heartbeat: after its lease, not a second lease later.
    after_beat = first - await heartbeat_at(cluster.db, victim.pid)
    assert LEASE_S - CLOCKS_S <= after_beat.total_seconds() <= TAKEOVER_S, after_beat
    await cluster.settled(2)
    window = await cluster.steady_window()
    assert len(window) >= 3
    assert too_close(window) == []
