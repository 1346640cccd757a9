"""Alerting at the probe benchmark's load, without probing: what the running
evaluator costs per committed result, in process CPU, which the machine's other
load does not move (`bench/probes.py --pairs` measures the same in wall-clock pairs).

Run: .venv/bin/python bench/alert_load.py [--components 5000] [--rate 1600] [--seconds 60]

The real `AlertingService` on a SQLite file in a temporary folder, every default
rule on (with the page's default latency objectives), fed as the result writer
feeds it: healthy results (2-60 ms) at `--rate` a second in batches of `--batch`,
each batch judged on arrival, a periodic round every 5 s of the clock passed in
(the first a sweep, as at start, left out of the figures). Then a sweep of every
component and rule, timed alone: its CPU, and the longest stretch between two of
the points where the service lets the event loop run (`Evaluator.evaluating`).
Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from bench.probe_service import bench_component
from statuspage.alerting.evaluator import Scope
from statuspage.alerting.service import AlertingService
from statuspage.config import ComponentConfig, Settings
from statuspage.service.settings_holder import SettingsHolder
from statuspage.settings_model import FileSettings
from storage.components import ComponentDefinition, sync_components
from storage.database import Database
from storage.migrate import upgrade_database
from storage.results.announce import Announced

START = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
ROUND_S = 5.0  # [alerting] evaluate_every_s's default
OBJECTIVES = (("p95", 1000.0), ("p99", 2000.0), ("average", 500.0))  # bench/probe_service.py


def components(count: int) -> tuple[ComponentConfig, ...]:
    return tuple(
        bench_component(i, f"http://127.0.0.1:9/c/{i}", 1.0, objectives=OBJECTIVES)
        for i in range(count)
    )


async def measure(count: int, rate: float, seconds: float, batch: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-alert-load-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        await upgrade_database(url)
        db = Database.from_url(url)
        try:
            await _feed(db, url, components(count), rate, seconds, batch)
        finally:
            await db.dispose()


async def _feed(
    db: Database,
    url: str,
    configs: tuple[ComponentConfig, ...],
    rate: float,
    seconds: float,
    batch: int,
) -> None:
    definitions = [ComponentDefinition(c.id, c.name, probed=True) for c in configs]
    await sync_components(db, definitions, START)
    settings = Settings(
        source=Path("bench"), file=FileSettings(), components=configs, database_url=url
    )
    clock = [START]
    service = AlertingService(db, SettingsHolder(settings), clock=lambda: clock[0])
    assert await service.take_over()
    await service.run_round()  # the first: a sweep, with nothing yet
    rng = random.Random(1)
    at, end = START.timestamp(), START.timestamp() + seconds
    next_round, fed, stride = at + ROUND_S, 0, 7  # fed out of order, as skipped runs leave it
    arrive_s = round_s = 0.0
    while at < end:
        at += batch / rate
        results = []
        for _ in range(batch):
            component = configs[fed * stride % len(configs)].id
            results.append(
                Announced(
                    component, "default", at - rng.random() * 3, False, rng.uniform(2, 60), False
                )
            )
            fed += 1
        clock[0] = datetime.fromtimestamp(at, UTC)
        started = time.process_time()
        service.accept(results)
        await service.judge_arrived()
        arrive_s += time.process_time() - started
        if at >= next_round:
            started = time.process_time()
            await service.run_round()
            round_s += time.process_time() - started
            next_round += ROUND_S
    rounds = service.rounds - 1
    print(f"{len(configs)} components, {fed} results at {rate:g}/s, {rounds} rounds")
    print(f"  add and the arrival check, µs per result  {arrive_s / fed * 1e6:7.2f}")
    print(f"  the rounds (reads, judging), µs per result {round_s / fed * 1e6:7.2f}")
    print(f"  total, µs of CPU per result               {(arrive_s + round_s) / fed * 1e6:7.2f}")
    print(f"  one round, ms                              {round_s / rounds * 1e3:7.1f}")
    started = last = time.process_time()
    longest = 0.0
    evaluator = service.evaluator
    # Before 2026-12-06 a sweep was one stretch: the same script measures that commit too.
    if hasattr(evaluator, "evaluating"):
        parts = evaluator.evaluating(at + 1, Scope.SWEEP)
    else:
        parts = iter([evaluator.evaluate(at + 1, Scope.SWEEP)])
    for _ in parts:
        now = time.process_time()
        longest, last = max(longest, now - last), now
    print(
        f"  a sweep of every rule: {(last - started) * 1e3:.0f} ms of CPU, the longest "
        f"stretch without letting the loop run {longest * 1e3:.1f} ms"
    )


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--components", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=1600.0, help="results a second (1600)")
    parser.add_argument("--seconds", type=float, default=60.0, help="of results (60)")
    parser.add_argument("--batch", type=int, default=300, help="results a commit (300)")
    args = parser.parse_args(argv)
    asyncio.run(measure(args.components, args.rate, args.seconds, args.batch))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
