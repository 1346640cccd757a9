"""Probe benchmark: the real scheduler, runner and writer against a local target.

Run: .venv/bin/python bench/probes.py [--quick] [--postgres]
     .venv/bin/python bench/probes.py --gc-tune --pairs 8   # alerting off/on, ~6 minutes

It starts a local aiohttp.web target (SO_REUSEPORT workers, pinned to the last CPU),
pins itself to CPU 0, and measures, each next to a bare aiohttp loop in the same run:

1. sustained probes/s with storage on: many components on a short interval, so more is
   due than can run; counted as results the ResultWriter committed in a steady window;
2. timing bias (recorded latency minus the server's injected delay), a new connection
   per probe, at a paced 200 probes/s;
3. start lateness (started_at minus due time) in that paced run;
4. peak RSS and CPU seconds of this process.

Only 127.0.0.1 is ever contacted. Figures go to docs/benchmarks.md. The target server
and CPU accounting are in probe_target.py, the service runs in probe_service.py, the
printed report in probe_report.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a file, this folder comes first on sys.path and this very file would shadow
# the `probes` package it measures; put the project there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import asyncio
import cProfile
import gc
import logging
import math
import os
import platform
import tempfile
import time
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from importlib.metadata import version

import aiohttp

from bench.probe_report import (
    Rate,
    Side,
    Timings,
    pct,
    print_pairs,
    print_rates,
    print_targets,
    print_timings,
)
from bench.probe_service import (
    LogCounter,
    Plan,
    run_service,
    service_timings,
)
from bench.probe_target import Target, Usage, Window, own_cpu_s, peak_rss_mib, start_target
from statuspage.service.logs import configure_logging
from tests.storage.builders import postgres_admin_url

GC_TUNED = (20_000, 50, 100)  # what --gc-tune tries; Python's default is (700, 10, 10)
BUSY_SHARE = 0.1  # others' share of a CPU above which the figures are suspect
KEPT_UP_SHARE = 0.95  # done/due at or above which a part-1 run did not saturate
SHORTER_INTERVAL_TRIES = 2


# --- bare aiohttp loops: what the hardware and aiohttp can do without our code --------


def bare_session(concurrency: int, keep_alive: bool) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        limit=concurrency, limit_per_host=concurrency, force_close=not keep_alive
    )
    return aiohttp.ClientSession(connector=connector)


async def bare_throughput(
    target: Target, paths: int, concurrency: int, seconds: float, keep_alive: bool
) -> Rate:
    """GETs/s of `concurrency` workers looping over `paths` distinct paths."""
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(first: int) -> None:
        nonlocal done
        i = first
        while time.perf_counter() < deadline:
            async with session.get(target.url(f"/bare/{i % paths}")) as response:
                await response.read()
            done += 1
            i += concurrency

    async with bare_session(concurrency, keep_alive) as session:
        window = Window(target)
        async with asyncio.TaskGroup() as tg:
            for first in range(concurrency):
                tg.create_task(worker(first))
        wall, usage = window.since()
    mode = "keep-alive" if keep_alive else "new connection each"
    return Rate(f"bare aiohttp loop, {mode}", done / wall, usage)


async def bare_paced(target: Target, rate: float, seconds: float, delay_ms: float) -> Timings:
    """Start GETs on a drift-free `rate`/s timetable, a new connection each; time them."""
    loop = asyncio.get_running_loop()
    bias: list[float] = []
    lateness: list[float] = []

    async def one(i: int, due: float) -> None:
        lateness.append((loop.time() - due) * 1000)
        started = time.perf_counter()
        async with session.get(target.url(f"/bare/{i}?delay_ms={delay_ms:g}")) as response:
            await response.read()
        bias.append((time.perf_counter() - started) * 1000 - delay_ms)

    window = Window(target)
    async with bare_session(256, keep_alive=False) as session, asyncio.TaskGroup() as tg:
        start = loop.time() + 0.1
        for i in range(round(rate * seconds)):
            due = start + i / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            tg.create_task(one(i, due))
    _, usage = window.since()
    return Timings("bare loop (force_close)", bias, lateness, usage)


# --- wiring -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    quick: bool
    parts: frozenset[int]
    db_kind: str
    components: int
    interval_s: float
    concurrency: int
    warmup_s: float
    window_s: float
    timing_targets: int
    timing_interval_s: float
    delay_ms: float
    target_workers: int
    gc_tune: bool
    alerting: bool = False
    pairs: int = 0  # > 0: only alerting off/on pairs of part 1's service run
    keep_alive: bool = False  # pairs: with keep-alive instead of a new connection each
    profile: Path | None = None  # pairs: a cProfile of each run's window, in this folder


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short windows (about 1 minute)")
    parser.add_argument("--part", type=int, choices=(1, 2), help="only part 1 or part 2")
    parser.add_argument("--postgres", action="store_true", help="STATUSPAGE_TEST_POSTGRES_URL")
    parser.add_argument("--components", type=int, default=5000, help="part 1 (5000)")
    parser.add_argument("--interval", type=float, default=1.0, help="part 1, seconds (1)")
    parser.add_argument("--concurrency", type=int, default=32, help="part 1 (32)")
    parser.add_argument("--target-workers", type=int, default=1)
    parser.add_argument("--window", type=float, help="measuring window, seconds (20; 6 --quick)")
    parser.add_argument(
        "--timing-rate", type=int, default=200, help="part 2, probes due per second (200)"
    )
    parser.add_argument(
        "--gc-tune",
        action="store_true",
        help=f"gc.set_threshold{GC_TUNED} and gc.freeze() after start-up, to measure them",
    )
    parser.add_argument(
        "--alerting",
        action="store_true",
        help="part 1 also with the alert evaluator on: on, off, on after the usual rows, "
        "with a new connection each and then with keep-alive",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=0,
        metavar="N",
        help="only N pairs of part 1's service run, alerting off and on (the order "
        "alternating), with each pair's ratios and their medians: whether alerting costs "
        "more than issue 16's 5 %%. Windows 15 s unless --window",
    )
    parser.add_argument("--keep-alive", action="store_true", help="--pairs: keep-alive connections")
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="--pairs: cProfile each window into DIR"
    )
    args = parser.parse_args(argv)
    if (args.keep_alive or args.profile) and not args.pairs:
        parser.error("--keep-alive and --profile go with --pairs")
    if args.postgres and not postgres_admin_url():
        parser.error("--postgres needs STATUSPAGE_TEST_POSTGRES_URL")
    return Options(
        quick=args.quick,
        parts=frozenset([args.part] if args.part else [1, 2]),
        db_kind="postgresql" if args.postgres else "sqlite",
        components=args.components,
        interval_s=args.interval,
        concurrency=args.concurrency,
        warmup_s=3.0 if args.quick else 5.0,
        window_s=args.window or (6.0 if args.quick else 15.0 if args.pairs else 20.0),
        timing_targets=args.timing_rate * 5,  # every 5 s
        timing_interval_s=5.0,
        delay_ms=100.0,
        target_workers=args.target_workers,
        gc_tune=args.gc_tune,
        alerting=args.alerting,
        pairs=args.pairs,
        keep_alive=args.keep_alive,
        profile=args.profile,
    )


def throughput_plan(
    opts: Options, reuse: bool, interval_s: float, *, alerting: bool = False
) -> Plan:
    mode = "keep-alive" if reuse else "new connection each"
    shorter = "" if interval_s == opts.interval_s else f", every {interval_s:g} s"
    alerts = ", alerting on" if alerting else ""
    return Plan(
        label=f"service, {mode}{shorter}{alerts}",
        alerting=alerting,
        count=opts.components,
        interval_s=interval_s,
        reuse_connections=reuse,
        concurrency=opts.concurrency,
        rate_per_s=20_000,  # far above what one core reaches: the start rate never binds
        warmup_s=opts.warmup_s,
        window_s=opts.window_s,
    )


def timing_plan(opts: Options) -> Plan:
    rate = opts.timing_targets / opts.timing_interval_s
    return Plan(
        label="service (scheduler+runner+writer)",
        count=opts.timing_targets,
        interval_s=opts.timing_interval_s,
        reuse_connections=False,
        # Little's law: 200/s x 0.1 s is 20 in flight; 256 slots (or ten times what is
        # in flight, at a higher --timing-rate) never make anyone wait.
        concurrency=max(256, round(10 * rate * opts.delay_ms / 1000)),
        rate_per_s=5 * rate,  # headroom over what is due, as an operator would leave it
        warmup_s=opts.timing_interval_s,  # one full round first
        window_s=opts.window_s,
        delay_ms=opts.delay_ms,
    )


def pin_cpus() -> tuple[set[int], set[int]]:
    """(prober CPUs, target CPUs): CPU 0 for us, the rest for the target, if there is a rest."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return set(cpus), set(cpus)
    os.sched_setaffinity(0, {cpus[0]})
    return {cpus[0]}, set(cpus[1:])


def quiet_logging(folder: Path) -> LogCounter:
    """Log as the service does, but to a file: overload warnings must not flood the table."""
    configure_logging("INFO", "logfmt")
    root = logging.getLogger()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(open(folder / "service.log", "w"))  # noqa: SIM115  # closed at exit
    counter = LogCounter()
    root.addHandler(counter)
    return counter


async def saturated_rate(
    opts: Options, target: Target, reuse: bool, *, alerting: bool = False
) -> Rate:
    """The service's rate with more due than it can run.

    A run that kept up with everything due measured the due rate, not the capacity, so it
    is repeated with half the interval (twice at most; the row's label says so).
    """
    interval_s = opts.interval_s
    for _ in range(SHORTER_INTERVAL_TRIES + 1):
        plan = throughput_plan(opts, reuse, interval_s, alerting=alerting)
        run = await run_service(plan, target, opts.db_kind, keep=False, freeze=opts.gc_tune)
        kept_up = run.done_per_s >= KEPT_UP_SHARE * plan.count / plan.interval_s
        if not kept_up:
            break
        interval_s /= 2
    note = f"rows {run.rows_in_db}, dropped {run.dropped}"
    if kept_up:
        note += "; kept up with all that was due: the capacity is higher"
    return Rate(plan.label, run.committed_per_s, run.usage, run.done_per_s, run.pending, note)


async def part_one(opts: Options, target: Target) -> list[Rate]:
    c, n = opts.concurrency, opts.components
    rates = [
        await bare_throughput(target, n, c, opts.window_s / 2, keep_alive=True),
        await bare_throughput(target, n, c, opts.window_s / 2, keep_alive=False),
    ]
    for reuse in (False, True):
        rates.append(await saturated_rate(opts, target, reuse))
    if opts.alerting:  # the same runs with the alert evaluator fed, alternating with off
        for reuse in (False, True):
            for alerting in (True, False, True):
                rates.append(await saturated_rate(opts, target, reuse, alerting=alerting))
    print_rates(
        f"1. Sustained rate, delay 0: {n} components every {opts.interval_s:g} s; "
        f"concurrency {c}, per-host cap {c}; {opts.window_s:g} s window after "
        f"{opts.warmup_s:g} s warm-up.\n   per s: committed by the writer (service) or "
        "GETs completed (bare); done/s: results handed to the writer;\n   µs/each: "
        "this process's CPU per result or GET;\n   others: other processes' share of the "
        "prober's or the target's CPU, whichever was busier",
        rates,
    )
    return rates


async def part_two(opts: Options, target: Target) -> tuple[Timings, Timings]:
    rate = opts.timing_targets / opts.timing_interval_s
    # Half the bare loop before the service and half after, so a change in the machine's
    # load during the run weighs on both sides alike.
    before = await bare_paced(target, rate, opts.window_s / 2, opts.delay_ms)
    plan = timing_plan(opts)
    run = await run_service(plan, target, opts.db_kind, keep=True, freeze=opts.gc_tune)
    after = await bare_paced(target, rate, opts.window_s / 2, opts.delay_ms)
    bare = Timings(
        f"{before.label}, before+after",
        before.bias_ms + after.bias_ms,
        before.lateness_ms + after.lateness_ms,
        Usage(
            *((x + y) / 2 for x, y in zip(astuple(before.usage), astuple(after.usage), strict=True))
        ),
    )
    ours = service_timings(plan.label, plan, run)
    print_timings(
        f"2./3. {opts.timing_targets} targets every {opts.timing_interval_s:g} s "
        f"({rate:g} probes/s), {opts.delay_ms:g} ms server delay, a new connection each; "
        f"probes due in a {opts.window_s:g} s window",
        [bare, ours],
    )
    return bare, ours


ALERTING_BOUND = 0.05  # issue 16: the probe benchmark loses at most 5 % with alerting on


async def one_side(opts: Options, target: Target, alerting: bool, name: str) -> Side:
    plan = throughput_plan(opts, opts.keep_alive, opts.interval_s, alerting=alerting)
    profile = cProfile.Profile() if opts.profile else None
    run = await run_service(
        plan, target, opts.db_kind, keep=False, freeze=opts.gc_tune, profile=profile
    )
    if profile is not None and opts.profile is not None:
        opts.profile.mkdir(parents=True, exist_ok=True)
        profile.dump_stats(opts.profile / f"{name}-{'on' if alerting else 'off'}.pstats")
    cpu_us = run.usage.prober / run.committed_per_s * 1e6 if run.committed_per_s else math.inf
    return Side(run.committed_per_s, cpu_us, run.usage, run.skipped_per_s, run.late_ms)


async def alternate(opts: Options, target: Target) -> list[Side]:
    """`opts.pairs` pairs of service runs, alerting off and on; the first of a pair is
    off, then on, then off again (off, on / on, off / ...), so a drift in the machine's
    load weighs on both sides alike."""
    pairs = []
    for n in range(1, opts.pairs + 1):
        first = n % 2 == 0  # alerting in the pair's first run
        sides = {}
        for alerting in (first, not first):
            sides[alerting] = await one_side(opts, target, alerting, f"pair{n}")
        pairs.append((sides[False], sides[True]))
        print(f"  pair {n}/{opts.pairs} done", flush=True)
    mode = "keep-alive" if opts.keep_alive else "a new connection each"
    print_pairs(
        f"Alerting off and on, {opts.pairs} pairs: {opts.components} components every "
        f"{opts.interval_s:g} s, {mode}, concurrency {opts.concurrency}; {opts.window_s:g} s "
        f"window after {opts.warmup_s:g} s warm-up.\n   per s: committed; µs/res: this "
        "process's CPU (all threads) per committed result; skip/s: runs the scheduler "
        "skipped;\n   late50/late99: start lateness, ms; CPU: this process's share of a "
        "CPU; other: other processes' (the busier CPU's)",
        pairs,
        ALERTING_BOUND,
        BUSY_SHARE,
    )
    return [side for pair in pairs for side in pair]


async def bench(opts: Options, log_counter: LogCounter) -> None:
    prober_cpus, target_cpus = pin_cpus()
    print_header(opts, prober_cpus, target_cpus)
    rates: list[Rate] = []
    timings: tuple[Timings, Timings] | None = None
    with start_target(opts.target_workers, target_cpus, prober_cpus) as target:
        if opts.pairs:
            sides = await alternate(opts, target)
            print(f"\n   uptime after: {Path('/proc/loadavg').read_text().strip()}")
            if (busiest := max(s.usage.others for s in sides)) > BUSY_SHARE:
                print(
                    f"\nWARNING: other processes took up to {pct(busiest)} of a CPU in a "
                    "window; the CPU per result is the figure to trust, the rates less."
                )
            return
        if 1 in opts.parts:
            rates = await part_one(opts, target)
            cpu = own_cpu_s()
            print(f"  this process so far: peak RSS {peak_rss_mib():.0f} MiB, CPU {cpu:.1f} s")
        if 2 in opts.parts:
            timings = await part_two(opts, target)
    print(
        f"\n4. This process: peak RSS {peak_rss_mib():.0f} MiB, "
        f"CPU {own_cpu_s():.1f} s (user+system, all threads, whole run)"
    )
    if log_counter.counts:
        print("   logged: " + ", ".join(f"{k}: {v}" for k, v in log_counter.counts.items()))
    print_targets(rates, timings)
    usages = [r.usage for r in rates] + [t.usage for t in timings or ()]
    if (busiest := max((u.others for u in usages), default=0.0)) > BUSY_SHARE:
        print(
            f"\nWARNING: other processes took up to {pct(busiest)} of a CPU in a window; "
            "these figures understate what the code can do. Rerun on a quiet machine."
        )


def print_header(opts: Options, prober_cpus: set[int], target_cpus: set[int]) -> None:
    versions = ", ".join(f"{p} {version(p)}" for p in ("aiohttp", "SQLAlchemy", "aiosqlite"))
    quick = " (--quick)" if opts.quick else ""
    print(f"Probe benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC{quick}")
    print(f"  Python {platform.python_version()}, {versions}, {os.cpu_count()} CPUs")
    print(
        f"  prober (this process) on CPU {sorted(prober_cpus)}; target: "
        f"{opts.target_workers} aiohttp.web worker(s), SO_REUSEPORT, on CPU {sorted(target_cpus)}"
    )
    print(f"  storage: {opts.db_kind}, a fresh database per service run")
    thresholds = ", ".join(str(t) for t in gc.get_threshold())
    tuned = " and gc.freeze() after start-up (--gc-tune)" if opts.gc_tune else ""
    print(f"  gc thresholds: {thresholds}{tuned}")


def main(argv: Sequence[str]) -> int:
    opts = parse_options(argv)
    if opts.gc_tune:
        gc.set_threshold(*GC_TUNED)
    with tempfile.TemporaryDirectory(prefix="bench-probes-log-") as folder:
        counter = quiet_logging(Path(folder))
        asyncio.run(bench(opts, counter))
        logging.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
