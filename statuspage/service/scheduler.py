"""One APScheduler interval job per probed component, spread and drift-free.

APScheduler's IntervalTrigger computes each next run from the previous
*scheduled* time, not from when the run finished, so a start date on the
component's grid gives run n at `offset + n * interval` for good. Its `jitter`
is applied to that previous time and so accumulates: it is not used.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent

from probes.clock import Clock
from probes.model import CheckSpec
from statuspage.config import ComponentConfig
from statuspage.service.apscheduler_internals import CoroutineExecutor, LoopScheduler
from statuspage.service.grid_trigger import GridIntervalTrigger
from statuspage.service.jobstore import BisectMemoryJobStore
from statuspage.service.runner import ProbeRunner
from statuspage.service.schedule import due_at_or_after, due_at_or_before, spread_offsets

log = logging.getLogger("statuspage.scheduler")


@dataclass(frozen=True, slots=True)
class PlannedJob:
    component_id: str
    check: CheckSpec
    interval_s: float
    offset_s: float


@dataclass(frozen=True, slots=True)
class ScheduleChanges:
    added: tuple[str, ...]
    replaced: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]


def misfire_grace_s(interval_s: float) -> int:
    """A run may start up to half an interval late (at most a minute); later, it is skipped
    and the next one, on time, takes its place (coalesce)."""
    return max(1, min(60, int(interval_s / 2)))


class ProbeScheduler:
    def __init__(self, runner: ProbeRunner, clock: Clock) -> None:
        self._runner = runner
        self._clock = clock
        # Stock APScheduler behaviour, with parts that cost less per run (apscheduler_internals).
        self._executor = CoroutineExecutor(self._clock)
        self._scheduler = LoopScheduler(
            timezone="UTC",
            jobstores={"default": BisectMemoryJobStore()},
            executors={"default": self._executor},
        )
        self._jobs: dict[str, PlannedJob] = {}
        # Asked before each run: False while this worker may no longer hold its share
        # (its membership lease may have run out), so it never probes what another took.
        self.may_probe: Callable[[], bool] = lambda: True
        # Asked with the job id before each run of a periodic job (a metric source's
        # scrape): under membership one worker of all regions runs each (`Membership.holds`).
        self.may_run_periodic: Callable[[str], bool] = lambda job_id: True
        self.skipped = 0  # runs skipped: still running (max_instances) or too late (misfire)
        self._skipped_reported = 0
        self._scheduler.add_listener(self._count_skip, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)

    @property
    def jobs(self) -> dict[str, PlannedJob]:
        return dict(self._jobs)

    @property
    def runner(self) -> ProbeRunner:
        return self._runner

    def start(self) -> None:
        self._scheduler.start()
        # APScheduler warns once per skipped run (thousands a second when overloaded,
        # its logger is set to ERROR in configure_logging); one summary a minute instead.
        self._scheduler.add_job(
            self._report_skips, "interval", seconds=60, id="_skip_summary", coalesce=True
        )

    def _count_skip(self, event: JobEvent) -> None:
        if event.job_id not in self._jobs:
            return  # the summary job itself, not a probe
        self.skipped += 1
        reason = "still_running" if event.code == EVENT_JOB_MAX_INSTANCES else "late"
        self._runner.metrics.probes.skipped(reason)

    async def _report_skips(self) -> None:
        new = self.skipped - self._skipped_reported
        if new:
            self._skipped_reported = self.skipped
            log.warning(
                "probe runs skipped: the previous run was still going, or the run was late",
                extra={"fields": {"skipped": new, "skipped_total": self.skipped}},
            )

    def apply(self, components: Sequence[ComponentConfig]) -> ScheduleChanges:
        """Make the jobs match `components`; jobs whose check did not change keep running."""
        wanted = {c.id: c for c in components if c.check is not None}
        removed = tuple(cid for cid in list(self._jobs) if cid not in wanted)
        for cid in removed:
            self._remove(cid)
        unchanged = tuple(cid for cid, c in wanted.items() if self._is_unchanged(c))
        to_plan = [c for cid, c in wanted.items() if cid not in unchanged]
        replaced = tuple(c.id for c in to_plan if c.id in self._jobs)
        offsets = spread_offsets([c.interval_s for c in to_plan])
        for component, offset in zip(to_plan, offsets, strict=True):
            self._add(component, offset)
        added = tuple(c.id for c in to_plan if c.id not in replaced)
        return ScheduleChanges(added, replaced, removed, unchanged)

    def _is_unchanged(self, component: ComponentConfig) -> bool:
        job = self._jobs.get(component.id)
        return job is not None and (job.check, job.interval_s) == (
            component.check,
            component.interval_s,
        )

    def _add(self, component: ComponentConfig, offset_s: float) -> None:
        assert component.check is not None
        job = PlannedJob(component.id, component.check, component.interval_s, offset_s)
        self._jobs[component.id] = job
        start = due_at_or_after(self._clock(), offset_s, component.interval_s)
        self._scheduler.add_job(
            self._run,
            GridIntervalTrigger(seconds=component.interval_s, start_date=start),
            args=[component.id],
            id=component.id,
            name=component.name,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=misfire_grace_s(component.interval_s),
        )

    def add_periodic(
        self, job_id: str, interval_s: float, offset_s: float, run: Callable[[], Awaitable[object]]
    ) -> None:
        """Another kind of job on the same grid and executor as the probes (a metric
        source's scrape): one run at a time, a late run skipped, never counted as a
        probe's skip."""
        start = due_at_or_after(self._clock(), offset_s, interval_s)
        self._scheduler.add_job(
            self._run_periodic,
            GridIntervalTrigger(seconds=interval_s, start_date=start),
            args=[job_id, run],
            id=job_id,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=misfire_grace_s(interval_s),
        )

    async def _run_periodic(self, job_id: str, run: Callable[[], Awaitable[object]]) -> None:
        if self.may_run_periodic(job_id):
            await run()

    def _remove(self, component_id: str) -> None:
        self._jobs.pop(component_id, None)
        if self._scheduler.get_job(component_id) is not None:
            self._scheduler.remove_job(component_id)

    async def _run(self, component_id: str) -> None:
        job = self._jobs.get(component_id)
        if job is None or not self.may_probe():
            return
        try:
            due = due_at_or_before(self._clock(), job.offset_s, job.interval_s)
            await self._runner.run(component_id, job.check, due)
        except Exception:
            # A probe turns every network failure into a result; reaching here
            # is a bug, and one broken job must not stop the others.
            log.exception("probe job crashed", extra={"fields": {"component": component_id}})

    async def shutdown(self, grace_s: float) -> int:
        """Stop scheduling, let in-flight probes finish (or time out); return how many ran on."""
        self._scheduler.pause()  # no run is submitted after this
        self._runner.stopping = True
        # Every run submitted so far, including those whose task has not started yet:
        # a run left out here would hand its result on after the writer closed.
        pending = self._executor.running()
        if pending:
            await asyncio.wait(pending, timeout=grace_s)
        self._scheduler.shutdown(wait=False)
        return len(pending)
