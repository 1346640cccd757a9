"""The probe benchmark's service runs: the real scheduler, runner and writer on a real database.

This is the wiring of `statuspage.app` (ProbeScheduler, ProbeRunner, ProbeLimits,
uncapped ProbeSessions.open(), ResultWriter with its default batching), measured
over a window after a warm-up.
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import logging
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import func, select

from bench.probe_report import Timings
from bench.probe_target import Target, Usage, Window
from probes.clock import system_clock
from probes.model import CheckSpec
from probes.sessions import ProbeSessions
from statuspage.alerting.service import AlertingService
from statuspage.config import ComponentConfig, Settings
from statuspage.service.metrics import ServiceMetrics
from statuspage.service.runner import ProbeLimits, ProbeRunner
from statuspage.service.scheduler import ProbeScheduler
from statuspage.service.settings_holder import SettingsHolder
from statuspage.settings_model import FileSettings
from storage.components import ComponentDefinition, sync_components
from storage.database import Database
from storage.migrate import upgrade_database
from storage.results.writer import ResultRecord, ResultWriter
from storage.tables.monitoring import ProbeResultRow
from tests.storage.builders import create_postgres_database, drop_postgres_database


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
    alerting: bool = False  # the alert evaluator fed by the writer, as `statuspage run` has it

    def components(self, target: Target) -> list[ComponentConfig]:
        query = f"?delay_ms={self.delay_ms:g}" if self.delay_ms else ""
        return [
            bench_component(
                i,
                target.url(f"/c/{i}{query}"),
                self.interval_s,
                reuse_connections=self.reuse_connections,
            )
            for i in range(self.count)
        ]


def bench_component(
    i: int, url: str, interval_s: float, *, reuse_connections: bool = False, **fields: Any
) -> ComponentConfig:
    """Component `i` of a benchmark: `c00042`, probing `url` (SLA 5 s, timeout 10 s)."""
    return ComponentConfig(
        id=f"c{i:05d}",
        name=f"c{i:05d}",
        group=None,
        group_id=None,
        position=i,
        description=None,
        check=CheckSpec(
            name=f"c{i:05d}",
            url=url,
            sla_ms=5000.0,
            timeout_s=10.0,
            reuse_connections=reuse_connections,
        ),
        interval_s=interval_s,
        show_url=False,
        **fields,
    )


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
    skipped_per_s: float = 0.0  # runs the scheduler skipped (still running, or late)
    late_ms: list[float] = field(default_factory=list)  # started - due, rows due in the window


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
    limits = ProbeLimits(concurrency=c, rate_per_s=plan.rate_per_s, per_host=c)
    return ProbeRunner(ProbeSessions.open(), sink, limits, ServiceMetrics())


async def lateness_ms(db: Database, start: datetime, end: datetime) -> list[float]:
    """Start lateness of the committed results due in [start, end), read back once the
    run is over (nothing is added to the measured path)."""
    due, started = ProbeResultRow.scheduled_at, ProbeResultRow.started_at
    query = select(due, started).where(due >= start, due < end)
    async with db.read() as session:
        rows = (await session.exec(query)).all()
    return [(s - d).total_seconds() * 1000 for d, s in rows]


async def run_service(
    plan: Plan,
    target: Target,
    db_kind: str,
    *,
    keep: bool,
    freeze: bool = False,
    profile: cProfile.Profile | None = None,
) -> ServiceRun:
    with tempfile.TemporaryDirectory(prefix="bench-probes-") as folder:
        async with database(db_kind, Path(folder)) as db:
            components = plan.components(target)
            definitions = [ComponentDefinition(c.id, c.name, probed=True) for c in components]
            await sync_components(db, definitions, datetime.now(UTC))  # results need the FK
            writer = ResultWriter(db)  # as statuspage.app wires it: default batching
            writer.start()
            alerting = start_alerting(db, components, writer) if plan.alerting else None
            sink = TeeSink(writer, keep=keep)
            runner = make_runner(plan, sink)
            if freeze:  # what a process would do once its long-lived objects exist
                gc.collect()
                gc.freeze()
            try:
                run = await _drive(plan, target, runner, sink, components, profile)
            finally:
                await writer.close(timeout_s=60)
                await runner.sessions.close()
                if alerting is not None:
                    await alerting[0].stop()
                    await alerting[1]
            gc.unfreeze()
            run.rows_in_db = await count_rows(db)
            start = datetime.fromtimestamp(run.window_start_s, UTC)
            end = datetime.fromtimestamp(run.window_start_s + plan.window_s, UTC)
            run.late_ms = await lateness_ms(db, start, end)
            run.written, run.dropped, run.records = writer.written, writer.dropped, sink.records
            return run


# The page's default latency objectives, so every default alert rule is on.
OBJECTIVES = (("p95", 1000.0), ("p99", 2000.0), ("average", 500.0))


def start_alerting(
    db: Database, components: list[ComponentConfig], writer: ResultWriter
) -> tuple[AlertingService, asyncio.Task[None]]:
    settings = Settings(
        source=Path("bench"),
        file=FileSettings(),
        components=tuple(replace(c, objectives=OBJECTIVES) for c in components),
        database_url=str(db.engine.url),
    )
    service = AlertingService(db, SettingsHolder(settings), clock=system_clock)
    if db.is_sqlite:  # PostgreSQL: heard through NOTIFY, as in the service
        writer.listeners.append(service.accept)
    return service, asyncio.create_task(service.run())


async def _drive(
    plan: Plan,
    target: Target,
    runner: ProbeRunner,
    sink: TeeSink,
    components: list[ComponentConfig],
    profile: cProfile.Profile | None = None,
) -> ServiceRun:
    scheduler = ProbeScheduler(runner, system_clock)
    scheduler.apply(components)
    scheduler.start()
    try:
        await asyncio.sleep(plan.warmup_s)
        window, opened_at = Window(target), time.time()
        written, submitted = sink.writer.written, sink.submitted
        skipped = scheduler.skipped
        if profile is not None:
            profile.enable()
        await asyncio.sleep(plan.window_s)
        if profile is not None:
            profile.disable()
        wall, usage = window.since()
        committed, done = sink.writer.written - written, sink.submitted - submitted
        skipped = scheduler.skipped - skipped
        pending = sink.writer.pending
    finally:
        await scheduler.shutdown(grace_s=15)
    run = ServiceRun(committed / wall, done / wall, pending, usage, opened_at)
    run.skipped_per_s = skipped / wall
    return run


def service_timings(label: str, plan: Plan, run: ServiceRun) -> Timings:
    """Bias and lateness of the results due inside the measuring window."""
    start = datetime.fromtimestamp(run.window_start_s, UTC)
    end = datetime.fromtimestamp(run.window_start_s + plan.window_s, UTC)
    chosen = [r for r in run.records if start <= r.scheduled_at < end]
    bias = [r.result.latency_ms - plan.delay_ms for r in chosen]
    late = [(r.result.started_at - r.scheduled_at).total_seconds() * 1000 for r in chosen]
    down = sum(1 for r in chosen if r.result.status.value == "down")
    return Timings(label, bias, late, run.usage, f"{down} down" if down else "")
