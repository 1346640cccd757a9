"""Periodic jobs that must run once across all processes: each takes a lock first.

Status evaluation runs every few seconds so the page follows the probes closely;
roll-ups every minute so pages (which read only roll-ups) are at most a minute
behind; retention hourly, and so the making of the raw results' day partitions
ahead of need (PostgreSQL; see storage/results/partitions.py). A process that
finds the lock taken skips that round: another process is doing the work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from probes.clock import Clock
from statuspage.service.judge_watch import JudgeWatch
from statuspage.service.loop_monitor import LoopMonitor
from statuspage.service.settings_holder import SettingsHolder
from statuspage.service.status_job import evaluate_statuses, shortest_blinding_stall_s
from storage.database import Database
from storage.failures import diagnose
from storage.incidents.writes import advance_maintenances
from storage.locks import run_once
from storage.metrics.retention import apply_metric_retention
from storage.results.partitions import ensure_partitions
from storage.results.retention import RetentionPolicy, apply_retention
from storage.results.rollup import roll_up
from storage.results.writer import ResultWriter
from storage.subscribers.fanout import queue_maintenance_reminders

log = logging.getLogger("statuspage.jobs")

STATUS_EVERY_S = 5
ROLLUP_EVERY_S = 60
MAINTENANCE_EVERY_S = 15  # a window opens or closes at most this late
RETENTION_EVERY_S = 3600
PARTITIONS_EVERY_S = 3600  # partitions are made days ahead: hourly leaves a wide margin
SHUTDOWN_GRACE_S = 10  # a round in progress at shutdown may finish within this


class PeriodicJobs:
    def __init__(
        self,
        db: Database,
        settings: SettingsHolder,
        *,
        clock: Clock,
        writer: ResultWriter | None = None,
        monitor: LoopMonitor | None = None,
    ) -> None:
        """`writer` and `monitor`: this process's, so the status judge knows its own
        trouble from a component's silence (`service/judge_watch.py`)."""
        self._db = db
        self._settings = settings
        self._clock = clock
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._running: set[asyncio.Task[None]] = set()  # rounds in progress
        self._failures: dict[str, Exception] = {}
        self._watch = JudgeWatch(writer, monitor)

    @property
    def failures(self) -> dict[str, Exception]:
        """Job name -> the error its latest round ended with, while it keeps failing."""
        return dict(self._failures)

    def start(self) -> None:
        self._watch.start(self._clock())
        plan = [
            ("status", self.evaluate_statuses, STATUS_EVERY_S),
            ("maintenance", self.advance_maintenances, MAINTENANCE_EVERY_S),
            ("rollup", self.roll_up, ROLLUP_EVERY_S),
            ("retention", self.apply_retention, RETENTION_EVERY_S),
            ("partitions", self.make_partitions, PARTITIONS_EVERY_S),
        ]
        for name, job, every_s in plan:
            self._scheduler.add_job(
                self._guarded,
                "interval",
                seconds=every_s,
                args=[name, job],
                id=name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=every_s,
                next_run_time=self._clock(),  # first round at start-up
            )
        self._scheduler.start()

    async def shutdown(self, grace_s: float = SHUTDOWN_GRACE_S) -> None:
        """Stop scheduling, and let a round in progress finish (cancel it after
        `grace_s`) while the database is still open: a round cancelled by the event
        loop's own shutdown, after the engine was disposed, left SQLAlchemy waiting
        for a connection close that never came, and the process never exited."""
        self._scheduler.pause()  # no new round; the executor's shutdown would cancel these
        if running := set(self._running):
            _, late = await asyncio.wait(running, timeout=grace_s)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self._scheduler.shutdown(wait=False)

    async def _guarded(self, name: str, job: Callable[[], Awaitable[int]]) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            await self._run_job(name, job)
        finally:
            self._running.discard(task)

    async def _run_job(self, name: str, job: Callable[[], Awaitable[int]]) -> None:
        try:
            async with run_once(self._db, name) as acquired:
                # Not acquired: another process does this round, and its health is its own.
                if acquired:
                    await job()
        except Exception as error:
            # The next round retries; a database outage must not stop the schedule.
            self._failures[name] = error
            self._log_failure(name, error)
            return
        self._failures.pop(name, None)

    def _log_failure(self, name: str, error: Exception) -> None:
        problem = diagnose(error, self._db.engine.url)
        if problem is None:  # not the database: a bug, whose traceback is wanted
            log.exception("periodic job failed", extra={"fields": {"job": name}})
        else:
            log.error(
                "periodic job failed", extra={"fields": {"job": name, "reason": str(problem)}}
            )

    async def evaluate_statuses(self) -> int:
        settings = self._settings.current
        now, stale_after_s = self._clock(), settings.file.probes.stale_after_s
        since = self._watch.since(
            now,
            round_failed="status" in self._failures,  # the previous round's
            stall_s=shortest_blinding_stall_s(settings.components, stale_after_s),
        )
        changes = await evaluate_statuses(
            self._db,
            settings.components,
            threshold=settings.file.probes.flap_threshold,
            now=now,
            stale_after_s=stale_after_s,
            watching_since=since,
            buffered=self._watch.buffered(),
        )
        for component_id, status in changes:
            log.info(
                "status changed", extra={"fields": {"component": component_id, "status": status}}
            )
        return len(changes)

    async def advance_maintenances(self) -> int:
        """Start and end maintenance windows (their updates notify subscribers), and
        remind subscribers of windows about to start."""
        minutes = self._settings.current.file.subscribers.maintenance_reminder_minutes
        if minutes:
            lead = timedelta(minutes=minutes)
            await queue_maintenance_reminders(self._db, now=self._clock(), lead=lead)
        steps = await advance_maintenances(self._db, now=self._clock())
        for maintenance_id, status in steps:
            log.info(
                "maintenance moved on",
                extra={"fields": {"maintenance": maintenance_id, "status": status}},
            )
        return len(steps)

    async def roll_up(self) -> int:
        return await roll_up(self._db, now=self._clock(), tz=self._settings.current.tz)

    async def make_partitions(self) -> int:
        return await ensure_partitions(self._db, now=self._clock())

    async def apply_retention(self) -> int:
        storage = self._settings.current.file.storage
        policy = RetentionPolicy(
            raw_days=storage.raw_retention_days,
            hourly_days=storage.hourly_retention_days,
            daily_days=storage.daily_retention_days,
            unconfirmed_subscriber_hours=self._settings.current.file.subscribers.confirmation_hours
            + 24,
        )
        report = await apply_retention(self._db, now=self._clock(), policy=policy)
        metrics = await apply_metric_retention(self._db, now=self._clock(), policy=policy)
        return (
            metrics.points_deleted
            + metrics.rollups_deleted
            + metrics.problems_deleted
            + report.raw_deleted
            + report.unmeasured_deleted
            + report.hourly_deleted
            + report.daily_deleted
            + report.sign_in_failures_deleted
            + report.token_failures_deleted
            + report.notifications_deleted
            + report.unconfirmed_subscribers_deleted
        )
