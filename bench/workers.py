"""Many probe workers, of one region or several, against one PostgreSQL database:
shares, probe rate, lateness, write rate, bytes per result, and a SIGKILLed worker's
takeover.

Run: STATUSPAGE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
     .venv/bin/python bench/workers.py [--workers 20] [--components 20000] [--interval 30] \\
     [--regions 1]

`--workers` is per region; every region probes every component.

Every worker is a real `statuspage probe` process with the real membership (rendezvous
shares over heartbeat leases); the target is the probe benchmark's local server, which
answers at once. docs/scaling.md quotes the figures and says what they extrapolate to.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass

from sqlalchemy import text

from bench.probe_target import start_target
from probes.clock import system_clock
from statuspage.rules.rendezvous import owner
from statuspage.service.schedule import OVERDUE_SPREAD_S
from storage.database import Database
from storage.workers import WorkerState, roster
from tests.storage.builders import create_postgres_database, drop_postgres_database

LEASE_S = 15.0


@dataclass
class Run:
    workers: int  # per region
    components: int
    interval_s: float
    window_s: float
    regions: int = 1

    @property
    def region_names(self) -> list[str]:
        return [f"r{n}" for n in range(self.regions)]

    @property
    def due_per_s(self) -> float:
        return self.components * self.regions / self.interval_s


def write_config(folder: Path, url: str, port: int, run: Run) -> Path:
    blocks = "".join(
        f'[[components]]\nid = "c{i}"\nname = "C{i}"\n'
        f'url = "http://127.0.0.1:{port}/c{i}"\nsla_ms = 500\n'
        for i in range(run.components)
    )
    config = folder / "statuspage.toml"
    config.write_text(
        f'[storage]\nurl = "{url}"\n\n[logging]\nlevel = "WARNING"\n\n'
        f"[probes]\ninterval_s = {run.interval_s}\nlease_s = {LEASE_S}\n"
        f"concurrency = 200\nrate_per_s = 2000\nper_host_limit = 0\n"
        f"[alerting]\ndefault_rules = false\n\n{blocks}",
        "utf-8",
    )
    return config


def start_workers(config: Path, run: Run) -> list[subprocess.Popen[bytes]]:
    env = dict(os.environ) | {"STATUSPAGE_RUNTIME_DIR": str(config.parent / "run")}
    command = [sys.executable, "-m", "statuspage", "probe", "--config", str(config)]
    return [
        subprocess.Popen(
            [*command, "--region", region] if run.regions > 1 else command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for region in run.region_names
        for _ in range(run.workers)
    ]


async def live(db: Database) -> list[WorkerState]:
    now = system_clock()
    return [w for w in await roster(db) if w.live(now)]


async def scalar(db: Database, sql: str, **params: object) -> float:
    async with db.engine.connect() as connection:
        return float((await connection.execute(text(sql), params)).scalar_one() or 0)


async def wait_for_shares(db: Database, count: int) -> float:
    start = time.monotonic()
    while True:
        workers = await live(db)
        if len(workers) == count and all(w.share > 0 for w in workers):
            return time.monotonic() - start
        await asyncio.sleep(0.5)


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# Since revision 0012 the table is partitioned: its own size is 0, its partitions hold it.
RESULTS_SIZE = (
    "SELECT coalesce((SELECT sum(pg_total_relation_size(relid))"
    " FROM pg_partition_tree('probe_results')), pg_total_relation_size('probe_results'))"
)


async def steady(db: Database, procs: list[subprocess.Popen[bytes]], run: Run) -> None:
    count = "SELECT count(*) FROM probe_results"
    before, cpu_before, t0 = (
        await scalar(db, count),
        sum(cpu_s(p.pid) for p in procs),
        time.monotonic(),
    )
    size0 = await scalar(db, RESULTS_SIZE)
    await asyncio.sleep(run.window_s)
    elapsed = time.monotonic() - t0
    after, cpu_after = await scalar(db, count), sum(cpu_s(p.pid) for p in procs)
    size1 = await scalar(db, RESULTS_SIZE)
    workers = await live(db)
    shares = [w.share for w in workers]
    print(f"steady window {elapsed:.1f} s")
    print(f"  results written: {(after - before) / elapsed:.1f}/s (due: {run.due_per_s:.1f}/s)")
    print(f"  shares: min {min(shares)} max {max(shares)} mean {statistics.mean(shares):.0f}")
    if run.regions > 1:
        per_region = {r: sum(w.share for w in workers if w.region == r) for r in run.region_names}
        print(f"  components per region (each must be {run.components}): {per_region}")
    print(
        "  worst start lateness per worker (ms): "
        f"max {max(w.lateness_s for w in workers) * 1000:.0f}, "
        f"median {statistics.median(w.lateness_s for w in workers) * 1000:.0f}"
    )
    print(
        f"  worker CPU: {(cpu_after - cpu_before) / elapsed * 100:.0f} % of a core, "
        f"all {len(procs)} together"
    )
    if after > before:
        print(
            f"  probe_results growth: {(size1 - size0) / (after - before):.0f} bytes/result "
            f"(table and indexes)"
        )


async def takeover(db: Database, procs: list[subprocess.Popen[bytes]], run: Run) -> None:
    workers = await live(db)
    victim = workers[0]
    members = [w.worker_id for w in workers if w.region == victim.region]
    orphans = [
        f"c{i}" for i in range(run.components) if owner(f"c{i}", members) == victim.worker_id
    ]
    proc = next(p for p in procs if p.pid == victim.pid)
    proc.kill()
    killed = system_clock()
    start = time.monotonic()
    newest = (
        "SELECT count(DISTINCT component_id) FROM probe_results "
        "WHERE started_at > :killed AND component_id = ANY(:ids) AND region = :region"
    )
    while time.monotonic() - start < 4 * (run.interval_s + LEASE_S):
        resumed = await scalar(db, newest, killed=killed, ids=orphans, region=victim.region)
        if resumed >= len(orphans):
            break
        await asyncio.sleep(0.5)
    took = time.monotonic() - start
    # Each taken component carries on one interval after its last result, or runs
    # within the overdue spread once the lease has run out and the survivors looked.
    bound = max(run.interval_s, LEASE_S + 1 + min(OVERDUE_SPREAD_S, run.interval_s))
    print(
        f"takeover: {len(orphans)} components of the killed worker resumed "
        f"({int(resumed)} of them) in {took:.1f} s (bound: the longer of interval "
        f"{run.interval_s:.0f} s and lease {LEASE_S:.0f} s + poll 1 s + overdue spread "
        f"{min(OVERDUE_SPREAD_S, run.interval_s):.0f} s = {bound:.0f} s; "
        f"before resuming on the last result's grid: lease + poll + interval = "
        f"{LEASE_S + 1 + run.interval_s:.0f} s)"
    )


async def main(run: Run) -> None:
    url = await create_postgres_database()
    plain = url.replace("postgresql+asyncpg:", "postgresql:")
    db = Database.from_url(plain)
    with tempfile.TemporaryDirectory() as folder, start_target(1, set(), set()) as target:
        config = write_config(Path(folder), plain, target.port, run)
        subprocess.run(
            [sys.executable, "-m", "statuspage", "db", "upgrade", "--config", str(config)],
            check=True,
            capture_output=True,
        )
        procs = start_workers(config, run)
        try:
            print(
                f"{run.regions} region(s) x {run.workers} workers, {run.components} components "
                f"every {run.interval_s:.0f} s"
            )
            sharing = await wait_for_shares(db, run.workers * run.regions)
            print(f"all sharing after {sharing:.1f} s")
            await asyncio.sleep(run.interval_s)  # one whole round on the final shares
            await steady(db, procs, run)
            await takeover(db, procs, run)
        finally:
            for proc in procs:
                proc.kill()
                proc.wait()
            await db.dispose()
            await drop_postgres_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--components", type=int, default=20000)
    parser.add_argument("--interval", type=float, default=30.0)
    parser.add_argument("--window", type=float, default=30.0)
    parser.add_argument("--regions", type=int, default=1)
    args = parser.parse_args()
    run = Run(args.workers, args.components, args.interval, args.window, args.regions)
    asyncio.run(main(run))
