"""Probe benchmark: the real scheduler, runner and writer against a local target.

Run: .venv/bin/python bench/probes.py [--quick] [--postgres]

It starts a local aiohttp.web target (SO_REUSEPORT workers, pinned to the last CPU),
pins itself to CPU 0, and measures, each next to a bare aiohttp loop in the same run:

1. sustained probes/s with storage on: many components on a short interval, so more is
   due than can run; counted as results the ResultWriter committed in a steady window;
2. timing bias (recorded latency minus the server's injected delay), a new connection
   per probe, at a paced 200 probes/s;
3. start lateness (started_at minus due time) in that paced run;
4. peak RSS and CPU seconds of this process.

Only 127.0.0.1 is ever contacted. Figures go to docs/bench-probes.md.
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
import gc
import logging
import os
import platform
import resource
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version

import aiohttp
from aiohttp import web
from sqlmodel import func, select

from probes.http import make_client_session
from probes.model import CheckSpec
from statuspage.config import ComponentConfig
from statuspage.service.logs import configure_logging
from statuspage.service.metrics import ServiceMetrics
from statuspage.service.runner import ProbeLimits, ProbeRunner, ProbeSessions
from statuspage.service.scheduler import ProbeScheduler
from storage.components import ComponentDefinition, sync_components
from storage.database import Database
from storage.migrate import upgrade_database
from storage.models import ProbeResultRow
from storage.testing import create_postgres_database, drop_postgres_database, postgres_admin_url
from storage.writer import ResultRecord, ResultWriter

HOST = "127.0.0.1"  # loopback only, by design
_CLK_TCK = os.sysconf("SC_CLK_TCK")
GC_TUNED = (20_000, 50, 100)  # what --gc-tune tries; Python's default is (700, 10, 10)
BUSY_SHARE = 0.1  # others' share of a CPU above which the figures are suspect


# --- the target server (runs in child processes) -------------------------------------


async def _answer(request: web.Request) -> web.Response:
    delay_ms = request.query.get("delay_ms")
    if delay_ms:
        await asyncio.sleep(float(delay_ms) / 1000)
    return web.Response(text="ok")


async def _serve_target(port: int) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((HOST, port))
    app = web.Application()
    app.router.add_get("/{tail:.*}", _answer)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.SockSite(runner, sock, backlog=4096).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)  # the parent waits for this line
    await stop.wait()
    await runner.cleanup()


@dataclass
class Target:
    """Worker processes sharing one port through SO_REUSEPORT."""

    port: int
    workers: list[subprocess.Popen[bytes]]
    cpus: set[int]  # where the workers run
    prober_cpus: set[int]  # where the measuring process runs, to tell others' load

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def cpu_s(self) -> float:
        """User + system CPU seconds of all workers so far, from /proc."""
        total = 0
        for worker in self.workers:
            fields = Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        return total / _CLK_TCK


@contextmanager
def start_target(workers: int, cpus: set[int], prober_cpus: set[int]) -> Iterator[Target]:
    # Holding a bound (not listening) SO_REUSEPORT socket reserves the port until the
    # workers have bound it too; the kernel hands connections only to listening sockets.
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind((HOST, 0))
    port = holder.getsockname()[1]
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-target", str(port)]
    # Own sessions: a Ctrl-C in the terminal reaches only us, and we stop them in order.
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, start_new_session=True)
        for _ in range(workers)
    ]
    try:
        for proc in procs:
            if cpus:
                os.sched_setaffinity(proc.pid, cpus)
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != b"ready":
                raise RuntimeError("the target server did not start")
        holder.close()
        yield Target(port, procs, cpus, prober_cpus)
    finally:
        holder.close()
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=10)


# --- small measuring helpers ------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)  # all threads, so the SQLite one too
    return usage.ru_utime + usage.ru_stime


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def busy_s(cpus: set[int]) -> float:
    """CPU seconds the given CPUs spent busy (any process), from /proc/stat."""
    total = 0
    for line in Path("/proc/stat").read_text().splitlines():
        name, *ticks = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
            idle, iowait = int(ticks[3]), int(ticks[4])
            total += sum(int(t) for t in ticks[:8]) - idle - iowait
    return total / _CLK_TCK


@dataclass(frozen=True, slots=True)
class Usage:
    """Shares of one CPU over a window: this process, the target, and everything else
    that ran on the prober's and on the target's CPUs (others' work on a shared machine)."""

    prober: float
    target: float
    others_at_prober: float
    others_at_target: float

    @property
    def others(self) -> float:
        return max(self.others_at_prober, self.others_at_target)


@dataclass
class Window:
    """CPU use of the prober, the target and others over a stretch of wall time."""

    target: Target
    wall: float = field(default_factory=time.perf_counter)
    own: float = field(default_factory=own_cpu_s)
    target_cpu: float = 0.0
    busy: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        self.target_cpu = self.target.cpu_s()
        self.busy = self._busy()

    def _busy(self) -> tuple[float, float]:
        return busy_s(self.target.prober_cpus), busy_s(self.target.cpus)

    def since(self) -> tuple[float, Usage]:
        """Seconds since this window opened, and the CPU use in them."""
        wall = time.perf_counter() - self.wall
        own, target = own_cpu_s() - self.own, self.target.cpu_s() - self.target_cpu
        busy = self._busy()
        if self.target.cpus == self.target.prober_cpus:  # one CPU: nothing to tell apart
            others = max(0.0, busy[0] - self.busy[0] - own - target) / wall
            return wall, Usage(own / wall, target / wall, others, others)
        at_prober = max(0.0, busy[0] - self.busy[0] - own) / wall
        at_target = max(0.0, busy[1] - self.busy[1] - target) / wall
        return wall, Usage(own / wall, target / wall, at_prober, at_target)


@dataclass(frozen=True, slots=True)
class Rate:
    label: str
    per_s: float  # for the service: results committed by the writer
    usage: Usage
    done_per_s: float | None = None  # service only: results handed to the writer
    pending: int | None = None  # service only: results still buffered at the window's end
    note: str = ""


@dataclass(frozen=True, slots=True)
class Timings:
    label: str
    bias_ms: list[float]
    lateness_ms: list[float]
    usage: Usage
    note: str = ""


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


# --- the service: scheduler + runner + writer on a real database -----------------------


class TeeSink:
    """Passes every record to the writer; counts them, and keeps them if asked to."""

    def __init__(self, writer: ResultWriter, *, keep: bool) -> None:
        self.writer = writer
        self.keep = keep
        self.submitted = 0
        self.records: list[ResultRecord] = []

    def submit(self, record: ResultRecord) -> None:
        self.submitted += 1
        if self.keep:
            self.records.append(record)
        self.writer.submit(record)


class LogCounter(logging.Handler):
    """Counts warnings and errors by logger: the scheduler reports skipped runs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[f"{record.name} {record.levelname.lower()}"] += 1


@dataclass(frozen=True, slots=True)
class Plan:
    """One service run: `count` components every `interval_s`, each its own path."""

    label: str
    count: int
    interval_s: float
    reuse_connections: bool
    concurrency: int
    rate_per_s: float
    warmup_s: float
    window_s: float
    delay_ms: float = 0.0

    def components(self, target: Target) -> list[ComponentConfig]:
        query = f"?delay_ms={self.delay_ms:g}" if self.delay_ms else ""
        return [
            ComponentConfig(
                id=f"c{i:05d}",
                name=f"c{i:05d}",
                group=None,
                group_id=None,
                position=i,
                description=None,
                check=CheckSpec(
                    name=f"c{i:05d}",
                    url=target.url(f"/c/{i}{query}"),
                    sla_ms=5000.0,
                    timeout_s=10.0,
                    reuse_connections=self.reuse_connections,
                ),
                interval_s=self.interval_s,
                show_url=False,
            )
            for i in range(self.count)
        ]


@dataclass
class ServiceRun:
    """What one run of the service did in its measuring window, and in all."""

    committed_per_s: float
    done_per_s: float
    pending: int
    usage: Usage
    window_start_s: float  # since the epoch, to pick records by due time
    records: list[ResultRecord] = field(default_factory=list)
    rows_in_db: int = 0
    written: int = 0
    dropped: int = 0


@asynccontextmanager
async def database(kind: str, folder: Path) -> AsyncIterator[Database]:
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        url = await create_postgres_database()
    try:
        await upgrade_database(url)
        db = Database.from_url(url)
        try:
            yield db
        finally:
            await db.dispose()
    finally:
        if kind == "postgresql":
            await drop_postgres_database(url)


async def count_rows(db: Database) -> int:
    async with db.read() as session:
        result = await session.exec(select(func.count()).select_from(ProbeResultRow))
        return int(result.one())


def make_runner(plan: Plan, sink: TeeSink) -> ProbeRunner:
    # The per-host cap equals the global one: every target shares 127.0.0.1:port, and a
    # smaller cap would measure the cap, not the prober.
    c = plan.concurrency
    sessions = ProbeSessions(
        fresh=make_client_session(concurrency=c, per_host=c),
        kept=make_client_session(concurrency=c, per_host=c, keep_alive=True),
    )
    limits = ProbeLimits(concurrency=c, rate_per_s=plan.rate_per_s, per_host=c)
    return ProbeRunner(sessions, sink, limits, ServiceMetrics())


async def run_service(
    plan: Plan, target: Target, db_kind: str, *, keep: bool, freeze: bool = False
) -> ServiceRun:
    with tempfile.TemporaryDirectory(prefix="bench-probes-") as folder:
        async with database(db_kind, Path(folder)) as db:
            components = plan.components(target)
            definitions = [ComponentDefinition(c.id, c.name, probed=True) for c in components]
            await sync_components(db, definitions, datetime.now(UTC))  # results need the FK
            writer = ResultWriter(db)  # as statuspage.app wires it: default batching
            writer.start()
            sink = TeeSink(writer, keep=keep)
            runner = make_runner(plan, sink)
            if freeze:  # what a process would do once its long-lived objects exist
                gc.collect()
                gc.freeze()
            try:
                run = await _drive(plan, target, runner, sink, components)
            finally:
                await writer.close(timeout_s=60)
                await runner.sessions.close()
            gc.unfreeze()
            run.rows_in_db = await count_rows(db)
            run.written, run.dropped, run.records = writer.written, writer.dropped, sink.records
            return run


async def _drive(
    plan: Plan,
    target: Target,
    runner: ProbeRunner,
    sink: TeeSink,
    components: list[ComponentConfig],
) -> ServiceRun:
    scheduler = ProbeScheduler(runner)
    scheduler.apply(components)
    scheduler.start()
    try:
        await asyncio.sleep(plan.warmup_s)
        window, opened_at = Window(target), time.time()
        written, submitted = sink.writer.written, sink.submitted
        await asyncio.sleep(plan.window_s)
        wall, usage = window.since()
        committed, done = sink.writer.written - written, sink.submitted - submitted
        pending = sink.writer.pending
    finally:
        await scheduler.shutdown(grace_s=15)
    return ServiceRun(committed / wall, done / wall, pending, usage, opened_at)


def service_timings(label: str, plan: Plan, run: ServiceRun) -> Timings:
    """Bias and lateness of the results due inside the measuring window."""
    start = datetime.fromtimestamp(run.window_start_s, UTC)
    end = datetime.fromtimestamp(run.window_start_s + plan.window_s, UTC)
    chosen = [r for r in run.records if start <= r.scheduled_at < end]
    bias = [r.result.latency_ms - plan.delay_ms for r in chosen]
    late = [(r.result.started_at - r.scheduled_at).total_seconds() * 1000 for r in chosen]
    down = sum(1 for r in chosen if r.result.status.value == "down")
    return Timings(label, bias, late, run.usage, f"{down} down" if down else "")


# --- the report ---------------------------------------------------------------------------


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def _maybe(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def print_rates(title: str, rates: list[Rate]) -> None:
    print(f"\n{title}")
    cpu = f"{'prober':>6} {'target':>6} {'others':>6}"  # others: the busier CPU's
    head = f"{'per s':>7} {'done/s':>7} {'pending':>7} {'µs/each':>7}   CPU: {cpu}"
    print(f"  {'':40} {head}")
    for r in rates:
        u = r.usage
        # CPU per result stays comparable when other work on the machine slows us down.
        each_us = u.prober / (r.done_per_s or r.per_s) * 1e6
        figures = (
            f"{r.per_s:7.0f} {_maybe(r.done_per_s, '7.0f'):>7} {_maybe(r.pending, '7d'):>7}"
            f" {each_us:7.0f}        {_pct(u.prober):>6} {_pct(u.target):>6} {_pct(u.others):>6}"
        )
        print(f"  {r.label:40} {figures}  {r.note}".rstrip())


def _triple(values: Sequence[float]) -> str:
    return " ".join(f"{percentile(values, q):7.2f}" for q in (50, 99, 100))


def print_timings(title: str, rows: list[Timings]) -> None:
    print(f"\n{title}")
    head = f"{'p50':>7} {'p99':>7} {'max':>7}"
    print(f"  {'':38} {'n':>5}  bias ms {head}  lateness ms {head}  CPU: prober others")
    for t in rows:
        cpu = f"{_pct(t.usage.prober):>6} {_pct(t.usage.others):>6}"
        line = f"  {t.label:38} {len(t.bias_ms):5}  {'':7} {_triple(t.bias_ms)}"
        print(f"{line}  {'':11} {_triple(t.lateness_ms)}       {cpu}  {t.note}".rstrip())


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_targets(rates: list[Rate], timings: tuple[Timings, Timings] | None) -> None:
    print("\nTargets")
    for r in rates:
        if r.done_per_s is not None:  # a service row
            name, ok = r.label.removeprefix("service, "), verdict(r.per_s >= 2000)
            print(f"  >= 2000 probes/s committed ({name}): {r.per_s:.0f}/s  {ok}")
    if timings is None:
        return
    bare, ours = timings
    d50 = percentile(ours.bias_ms, 50) - percentile(bare.bias_ms, 50)
    d99 = percentile(ours.bias_ms, 99) - percentile(bare.bias_ms, 99)
    late99 = percentile(ours.lateness_ms, 99)
    print(f"  bias p50 within 0.5 ms of the bare loop's: {d50:+.2f} ms  {verdict(d50 <= 0.5)}")
    print(f"  bias p99 within 3 ms of the bare loop's:   {d99:+.2f} ms  {verdict(d99 <= 3.0)}")
    print(f"  start lateness p99 under 20 ms:            {late99:.2f} ms  {verdict(late99 < 20)}")


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


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short windows (about 1 minute)")
    parser.add_argument("--part", type=int, choices=(1, 2), help="only part 1 or part 2")
    parser.add_argument("--postgres", action="store_true", help="STATUSPAGE_TEST_POSTGRES_URL")
    parser.add_argument("--components", type=int, default=5000, help="part 1 (5000)")
    parser.add_argument("--interval", type=float, default=1.0, help="part 1, seconds (1)")
    parser.add_argument("--concurrency", type=int, default=32, help="part 1 (32)")
    parser.add_argument("--target-workers", type=int, default=1)
    parser.add_argument(
        "--gc-tune",
        action="store_true",
        help=f"gc.set_threshold{GC_TUNED} and gc.freeze() after start-up, to measure them",
    )
    args = parser.parse_args(argv)
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
        window_s=6.0 if args.quick else 20.0,
        timing_targets=1000,
        timing_interval_s=5.0,
        delay_ms=100.0,
        target_workers=args.target_workers,
        gc_tune=args.gc_tune,
    )


def throughput_plan(opts: Options, reuse: bool) -> Plan:
    mode = "keep-alive" if reuse else "new connection each"
    return Plan(
        label=f"service, {mode}",
        count=opts.components,
        interval_s=opts.interval_s,
        reuse_connections=reuse,
        concurrency=opts.concurrency,
        rate_per_s=20_000,  # far above what one core reaches: the start rate never binds
        warmup_s=opts.warmup_s,
        window_s=opts.window_s,
    )


def timing_plan(opts: Options) -> Plan:
    return Plan(
        label="service (scheduler+runner+writer)",
        count=opts.timing_targets,
        interval_s=opts.timing_interval_s,
        reuse_connections=False,
        # Little's law: 200/s x 0.1 s is 20 in flight; 256 slots never make anyone wait.
        concurrency=256,
        rate_per_s=1000,  # headroom over the 200/s due, as an operator would leave it
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


async def part_one(opts: Options, target: Target) -> list[Rate]:
    c, n = opts.concurrency, opts.components
    rates = [
        await bare_throughput(target, n, c, opts.window_s / 2, keep_alive=True),
        await bare_throughput(target, n, c, opts.window_s / 2, keep_alive=False),
    ]
    for reuse in (False, True):
        plan = throughput_plan(opts, reuse)
        run = await run_service(plan, target, opts.db_kind, keep=False, freeze=opts.gc_tune)
        note = f"rows {run.rows_in_db}, dropped {run.dropped}"
        rates.append(
            Rate(plan.label, run.committed_per_s, run.usage, run.done_per_s, run.pending, note)
        )
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


async def bench(opts: Options, log_counter: LogCounter) -> None:
    prober_cpus, target_cpus = pin_cpus()
    print_header(opts, prober_cpus, target_cpus)
    rates: list[Rate] = []
    timings: tuple[Timings, Timings] | None = None
    with start_target(opts.target_workers, target_cpus, prober_cpus) as target:
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
            f"\nWARNING: other processes took up to {_pct(busiest)} of a CPU in a window; "
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
    if argv[:1] == ["--serve-target"]:
        asyncio.run(_serve_target(int(argv[1])))
        return 0
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
