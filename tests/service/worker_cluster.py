"""Real `statuspage probe` workers on one PostgreSQL database, for the membership tests:
a target that notes when each component was probed, the config, and the roster."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from aiohttp import web
from pytest_aiohttp import AiohttpServer

from probes.clock import system_clock
from statuspage.config import load_settings
from statuspage.rules.rendezvous import owner
from statuspage.service.startup import open_database
from storage.database import Database
from storage.workers import WorkerState, roster
from tests.service.cli_process import Service, environment
from tests.waiting import eventually

INTERVAL_S = 3.0
# Long next to what a takeover adds to it (a look at the members, an interval, the
# slack), so a takeover that waited for two leases cannot pass for one.
LEASE_S = 12.0
POLL_S = 1.0  # statuspage.service.membership.POLL_S
# A loaded 2-core machine starts a due probe or notices a lease late by this much.
SLACK_S = 6.0
# From a dead worker's last heartbeat to its components probed by the others: its
# lease runs out, they notice at their next look, and the components, overdue by then
# (the lease is four intervals), run spread over at most an interval
# (statuspage.service.schedule.OVERDUE_SPREAD_S is longer).
TAKEOVER_S = LEASE_S + POLL_S + INTERVAL_S + SLACK_S
# The worker's wall clock (heartbeat_at) read on the target's loop clock: two clock
# reads apart, so well under this.
CLOCKS_S = 0.2


class Target:
    """Answers 200 on /c/<id> and keeps, per component, the loop times it was probed."""

    def __init__(self) -> None:
        self.hits: dict[str, list[float]] = defaultdict(list)

    async def handle(self, request: web.Request) -> web.Response:
        self.hits[request.match_info["cid"]].append(asyncio.get_running_loop().time())
        return web.Response(text="ok")

    async def serve(self, aiohttp_server: AiohttpServer) -> str:
        app = web.Application()
        app.router.add_get("/c/{cid}", self.handle)
        server = await aiohttp_server(app)
        return f"http://127.0.0.1:{server.port}"

    def since(self, moment: float) -> dict[str, list[float]]:
        return {cid: [t for t in times if t >= moment] for cid, times in self.hits.items()}


def write_config(
    folder: Path, database_url: str, target: str, components: int, storage: str = "", tail: str = ""
) -> Path:
    """`tail`: more tables after the components (metric sources and metrics)."""
    blocks = "".join(
        f'[[components]]\nid = "c{i}"\nname = "C{i}"\nurl = "{target}/c/c{i}"\nsla_ms = 500\n'
        for i in range(components)
    )
    config = folder / "statuspage.toml"
    config.write_text(
        f'[storage]\nurl = "{database_url}"\n{storage}\n\n'
        f"[probes]\ninterval_s = {INTERVAL_S}\nlease_s = {LEASE_S}\ntimeout_s = 2\n\n"
        f"{blocks}\n{tail}",
        "utf-8",
    )
    return config


def upgrade(config: Path, folder: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "statuspage", "db", "upgrade", "--config", str(config)],
        env=environment(folder),
        check=True,
        capture_output=True,
    )


def database(config: Path) -> Database:
    return open_database(load_settings(config, {}))


async def start_workers(config: Path, folder: Path, count: int) -> list[Service]:
    return [
        await Service.start("probe", "--config", str(config), env=environment(folder))
        for _ in range(count)
    ]


async def live(db: Database) -> list[WorkerState]:
    now = system_clock()
    return [s for s in await roster(db) if s.live(now)]


async def heartbeat_at(db: Database, pid: int) -> datetime:
    """When the worker with `pid` last renewed its lease, on its own (wall) clock: its
    row stays in the roster after it dies."""
    (state,) = [s for s in await roster(db) if s.pid == pid]
    return state.heartbeat_at


async def last_beat(db: Database, pid: int) -> float:
    """`heartbeat_at` on the loop's clock (the target's)."""
    age_s = (system_clock() - await heartbeat_at(db, pid)).total_seconds()
    return asyncio.get_running_loop().time() - age_s


def owned_by(components: list[str], workers: list[WorkerState], pid: int) -> list[str]:
    """The components the worker with `pid` probes, by the rule every worker applies."""
    members = [w.worker_id for w in workers]
    mine = next(w.worker_id for w in workers if w.pid == pid)
    return [cid for cid in components if owner(cid, members) == mine]


async def probed_three_times_since(
    target: Target, components: list[str], start: float
) -> dict[str, list[float]]:
    """Wait until each of `components` has been probed three times since `start`; the
    probes since then. The window ends on that event, not after a set time, so a slow
    machine only makes it longer."""

    def done() -> bool:
        window = target.since(start)
        return all(len(window.get(c, [])) >= 3 for c in components)

    await eventually(done, "every component probed three times", timeout_s=90)
    return target.since(start)


def doubles(hits: dict[str, list[float]]) -> dict[str, list[float]]:
    """Components probed twice within half an interval: by two workers in one run."""
    close = {}
    for cid, times in hits.items():
        gaps = [b - a for a, b in itertools.pairwise(times)]
        if any(gap < INTERVAL_S / 2 for gap in gaps):
            close[cid] = gaps
    return close


def longest_gap(times: list[float], start: float, end: float) -> float:
    marks = [start, *[t for t in times if start <= t <= end], end]
    return max(b - a for a, b in itertools.pairwise(marks))
