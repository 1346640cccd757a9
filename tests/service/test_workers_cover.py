"""Three real probe workers of one region on PostgreSQL divide its components between
them and cover for each other: a killed or stopped worker's components resume once its
lease has run out and within an interval of that (never before, never a lease later),
in steady state no component is probed twice in one interval, and a returning worker
takes its share back."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pytest_aiohttp import AiohttpServer

from storage.database import Database
from tests.service.cli_process import Service
from tests.service.worker_cluster import (
    CLOCKS_S,
    INTERVAL_S,
    LEASE_S,
    SLACK_S,
    TAKEOVER_S,
    Target,
    database,
    doubles,
    last_beat,
    live,
    longest_gap,
    owned_by,
    probed_three_times_since,
    start_workers,
    upgrade,
    write_config,
)
from tests.waiting import eventually

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

COMPONENTS = [f"c{i}" for i in range(30)]


class Cluster:
    def __init__(self, target: Target, db: Database, workers: list[Service]) -> None:
        self.target, self.db, self.workers = target, db, workers

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def settled(self, count: int) -> None:
        """`count` live workers, each with a share, and every component probed since."""

        async def shared() -> bool:
            workers = await live(self.db)
            return len(workers) == count and all(w.share > 0 for w in workers)

        await eventually(shared, f"{count} workers to share the region", timeout_s=90)
        since = self.now() + 2 * 1.0  # past the others' next look at the members
        await eventually(
            lambda: all(self.target.since(since).get(c) for c in COMPONENTS),
            "every component to be probed",
            timeout_s=60,
        )

    async def taken_over(self, gone: Service, orphans: list[str], since: float) -> float:
        """Wait for the others to probe `orphans` again; check that each first probe came
        after `gone`'s lease ran out and within a takeover of it. Returns the last of them."""
        await eventually(
            lambda: all(self.target.since(since).get(c) for c in orphans),
            "the orphaned components to be probed again",
            timeout_s=90,
        )
        beat = await last_beat(self.db, gone.pid)
        after_beat = sorted(round(self.target.since(since)[c][0] - beat, 2) for c in orphans)
        # Not before the lease could run out: that would be something else's doing.
        assert after_beat[0] >= LEASE_S - CLOCKS_S, after_beat
        # The lease, a look at the members, an interval: not a second lease.
        assert after_beat[-1] <= TAKEOVER_S, after_beat
        return beat + after_beat[-1]

    async def steady_window(self) -> dict[str, list[float]]:
        """From now until every component has been probed three times: the probes."""
        return await probed_three_times_since(self.target, COMPONENTS, self.now())


@pytest.fixture
async def cluster(
    tmp_path: Path, postgres_url: str, aiohttp_server: AiohttpServer
) -> AsyncIterator[Cluster]:
    target = Target()
    config = write_config(tmp_path, postgres_url, await target.serve(aiohttp_server), 30)
    upgrade(config, tmp_path)
    db = database(config)
    workers = await start_workers(config, tmp_path, 3)
    try:
        yield Cluster(target, db, workers)
    finally:
        for worker in workers:
            if worker.process.returncode is None:
                os.kill(worker.pid, signal.SIGCONT)
            await worker.kill()
        await db.dispose()


async def test_three_workers_probe_each_component_once_per_interval(cluster: Cluster) -> None:
    await cluster.settled(3)
    window = await cluster.steady_window()
    assert doubles(window) == {}
    assert all(len(window.get(cid, [])) >= 3 for cid in COMPONENTS), window


async def test_a_killed_workers_components_resume_once_its_lease_runs_out(
    cluster: Cluster,
) -> None:
    await cluster.settled(3)
    victim = cluster.workers[0]
    orphans = owned_by(COMPONENTS, await live(cluster.db), victim.pid)
    assert orphans
    await victim.kill()  # SIGKILL: no goodbye, the lease must run out
    killed = cluster.now()
    resumed = await cluster.taken_over(victim, orphans, killed)
    await cluster.settled(2)
    window = await cluster.steady_window()
    assert doubles(window) == {}
    # Past the takeover no component waits much more than an interval; the others'
    # components never did.
    gaps = {
        c: longest_gap(cluster.target.hits[c], resumed if c in orphans else killed, cluster.now())
        for c in COMPONENTS
    }
    assert max(gaps.values()) <= INTERVAL_S + SLACK_S, gaps


async def test_a_stopped_worker_loses_its_share_and_takes_it_back_when_continued(
    cluster: Cluster,
) -> None:
    await cluster.settled(3)
    stuck = cluster.workers[1]
    orphans = owned_by(COMPONENTS, await live(cluster.db), stuck.pid)
    os.kill(stuck.pid, signal.SIGSTOP)
    stopped = cluster.now()
    await cluster.taken_over(stuck, orphans, stopped)
    os.kill(stuck.pid, signal.SIGCONT)
    continued = cluster.now()
    await cluster.settled(3)
    # It wakes to a lease long run out: it probes nothing until it has renewed it, so
    # each of its components is probed twice at most once, within one interval.
    woke = cluster.target.since(continued)
    for cid in orphans:
        close = [
            b for a, b in zip(woke[cid], woke[cid][1:], strict=False) if b - a < INTERVAL_S / 2
        ]
        assert len(close) <= 1
        assert all(t - continued <= LEASE_S + 2 * INTERVAL_S for t in close)
    window = await cluster.steady_window()
    assert doubles(window) == {}
