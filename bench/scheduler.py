"""Scheduler benchmark: APScheduler's CPU per due run, stock parts against ours.

Run: .venv/bin/python bench/scheduler.py [--rounds 5] [--seconds 4] [--parts stock,ours]

No network: 5,000 interval jobs every second (as in part 1 of bench/probes.py)
run a stand-in probe that holds one of 32 slots for 32/1,500 s, so about 1,500
runs a second complete and the rest find their previous run still going and are
skipped (max_instances=1), as under overload. The process is pinned to one CPU,
and its CPU time over a window is almost all scheduler work; the stand-in's own
share is the same for every set of parts. The sets alternate, round after round,
so a change in the machine's speed weighs on all alike.

* stock: AsyncIOScheduler, MemoryJobStore, IntervalTrigger, AsyncIOExecutor;
* public: AsyncIOScheduler, BisectMemoryJobStore, GridIntervalTrigger, AsyncIOExecutor:
  ours through APScheduler's public API only (jobstore.py and grid_trigger.py);
* ours: LoopScheduler, BisectMemoryJobStore, GridIntervalTrigger, CoroutineExecutor,
  as the service runs: public plus apscheduler_extensions.py (written to the documented
  extension points for schedulers and executors).
  What those two parts are worth is the difference between public and ours.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import gc
import logging
import os
import resource
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobEvent
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from statuspage.service.apscheduler_extensions import CoroutineExecutor, LoopScheduler
from statuspage.service.grid_trigger import GridIntervalTrigger
from statuspage.service.jobstore import BisectMemoryJobStore

JOBS, INTERVAL_S, SLOTS, CAPACITY_PER_S = 5000, 1.0, 32, 1500


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class StandIn:
    """Holds one of SLOTS slots for SLOTS / CAPACITY_PER_S seconds: a probe, minus the probe."""

    def __init__(self) -> None:
        self.slots = asyncio.Semaphore(SLOTS)
        self.done = 0
        self.skipped = 0

    async def run(self, job_id: str) -> None:
        async with self.slots:
            await asyncio.sleep(SLOTS / CAPACITY_PER_S)
        self.done += 1

    def count_skip(self, event: JobEvent) -> None:
        self.skipped += 1


PARTS = ("stock", "public", "ours")


def build(parts: str, stand_in: StandIn) -> AsyncIOScheduler:
    internals, ours = parts == "ours", parts != "stock"
    scheduler = (LoopScheduler if internals else AsyncIOScheduler)(
        timezone="UTC",
        jobstores={"default": BisectMemoryJobStore() if ours else MemoryJobStore()},
        executors={"default": CoroutineExecutor() if internals else AsyncIOExecutor()},
    )
    scheduler.add_listener(stand_in.count_skip, EVENT_JOB_MAX_INSTANCES)
    start = datetime.now(UTC) + timedelta(seconds=0.5)
    for i in range(JOBS):
        first = start + timedelta(seconds=INTERVAL_S * i / JOBS)  # spread evenly
        trigger: Any = (
            GridIntervalTrigger(seconds=INTERVAL_S, start_date=first)
            if ours
            else IntervalTrigger(seconds=INTERVAL_S, start_date=first, timezone="UTC")
        )
        scheduler.add_job(
            stand_in.run, trigger, args=[f"c{i}"], id=f"c{i}", max_instances=1,
            coalesce=True, misfire_grace_time=1,
        )  # fmt: skip
    return scheduler


async def measure(parts: str, seconds: float) -> tuple[float, float, float]:
    """(CPU share of one core, µs of CPU per due run, runs done per second)."""
    stand_in = StandIn()
    scheduler = build(parts, stand_in)
    scheduler.start()
    gc.collect()
    gc.freeze()
    await asyncio.sleep(3)  # past the first round: the overload is steady
    done, skipped, cpu, wall = stand_in.done, stand_in.skipped, cpu_s(), time.perf_counter()
    await asyncio.sleep(seconds)
    wall, cpu = time.perf_counter() - wall, cpu_s() - cpu
    due = stand_in.done - done + stand_in.skipped - skipped
    runs_per_s = (stand_in.done - done) / wall
    aps_log = logging.getLogger("apscheduler")
    aps_log.setLevel(logging.CRITICAL)  # the stock executor logs each cancelled run
    scheduler.shutdown(wait=False)
    await asyncio.sleep(0.1)  # let the shutdown and the cancellations run
    aps_log.setLevel(logging.ERROR)
    gc.unfreeze()
    return cpu / wall, cpu / due * 1e6, runs_per_s


async def bench(rounds: int, seconds: float, parts: Sequence[str]) -> None:
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in parts}
    for _ in range(rounds):
        for name, rows in results.items():
            rows.append(await measure(name, seconds))
    print(f"{JOBS} interval jobs every {INTERVAL_S:g} s; a stand-in probe completing about "
          f"{CAPACITY_PER_S}/s; {rounds} alternating rounds of {seconds:g} s")  # fmt: skip
    print(f"{'parts':8}{'CPU, median':>14}{'µs per due run':>17}{'runs/s':>9}   CPU each round")
    for name, rows in results.items():
        share = statistics.median(r[0] for r in rows)
        per_due = statistics.median(r[1] for r in rows)
        runs = statistics.median(r[2] for r in rows)
        each = " ".join(f"{r[0]:.0%}" for r in rows)
        print(f"{name:8}{share:>14.0%}{per_due:>17.1f}{runs:>9.0f}   {each}")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--parts", default=",".join(PARTS), help="a comma-separated subset")
    args = parser.parse_args(argv)
    parts = args.parts.split(",")
    if not parts or not set(parts) <= set(PARTS):
        parser.error(f"--parts: a comma-separated subset of {', '.join(PARTS)}")
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[0]})
    gc.set_threshold(20_000, 50, 100)  # as the service runs (tune_garbage_collector)
    # As configure_logging sets it: APScheduler warns once per skipped run otherwise.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    asyncio.run(bench(args.rounds, args.seconds, parts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
