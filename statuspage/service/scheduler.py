"""One APScheduler interval job per probed component, spread and drift-free.

APScheduler's IntervalTrigger computes each next run from the previous
*scheduled* time, not from when the run finished, so a start date on the
component's grid gives run n at `offset + n * interval` for good. Its `jitter`
is applied to that previous time and so accumulates: it is not used.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent

from probes.clock import Clock
from probes.model import CheckSpec
from statuspage.config import ComponentConfig
from statuspage.service.apscheduler_extensions import CoroutineExecutor, LoopScheduler
from statuspage.service.grid_trigger import GridIntervalTrigger
from statuspage.service.jobstore import BisectMemoryJobStore
from statuspage.service.runner import ProbeRunner
from statuspage.service.schedule import (
    due_at_or_after,
    due_at_or_before,
    grid_offset,
    spread_offsets,
)

log = logging.getLogger("statuspage.scheduler")


@dataclass(frozen=True, slots=True)
class PlannedJob:
    component_id: str
    check: CheckSpec
    interval_s: float
    offset_s: float


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    """Another kind of job on the probes' grid and executor (a metric source's scrape)."""

    job_id: str
    interval_s: float
    run: Callable[[], Awaitable[object]]


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
        # Stock APScheduler behaviour, with parts that cost less per run (apscheduler_extensions).
        self._executor = CoroutineExecutor(self._clock)
        self._scheduler = LoopScheduler(
            timezone="UTC",
            jobstores={"default": BisectMemoryJobStore()},
            executors={"default": self._executor},
        )
        self._jobs: dict[str, PlannedJob] = {}
        self._periodic: dict[str, PeriodicJob] = {}
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
    def periodic_jobs(self) -> dict[str, PeriodicJob]:
        return dict(self._periodic)

    def next_runs(self) -> dict[str, datetime]:
        """When each scheduled job runs next, by job id (a paused job has none)."""
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}

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

    def apply(
        self,
        components: Sequence[ComponentConfig],
        first_runs: Mapping[str, datetime] | None = None,
    ) -> ScheduleChanges:
        """Make the jobs match `components`; jobs whose check did not change keep running.
        A component added with a time in `first_runs` (one taken over from another
        worker: `schedule.resume_times`) first runs then, on the grid through it; the
        other added ones are spread over their intervals."""
        wanted = {c.id: c for c in components if c.check is not None}
        resume = first_runs or {}
        return self._reconcile(
            {cid: (job.check, job.interval_s) for cid, job in self._jobs.items()},
            {cid: ((c.check, c.interval_s), c.interval_s) for cid, c in wanted.items()},
            remove=self._remove,
            add=lambda cid, offset_s: self._add(wanted[cid], offset_s, resume.get(cid)),
        )

    def apply_periodic(self, jobs: Sequence[PeriodicJob]) -> ScheduleChanges:
        """Make the periodic jobs match `jobs`, as `apply` does the probes' jobs: a job
        whose interval did not change keeps running (its `run` is not compared: it reads
        what it needs on each run), a changed one restarts on its new grid."""
        wanted = {job.job_id: job for job in jobs}
        return self._reconcile(
            {job_id: job.interval_s for job_id, job in self._periodic.items()},
            {job_id: (job.interval_s, job.interval_s) for job_id, job in wanted.items()},
            remove=self._remove_periodic,
            add=lambda job_id, offset_s: self._add_periodic(wanted[job_id], offset_s),
        )

    def _reconcile(
        self,
        planned: Mapping[str, Hashable],
        wanted: Mapping[str, tuple[Hashable, float]],
        *,
        remove: Callable[[str], None],
        add: Callable[[str, float], None],
    ) -> ScheduleChanges:
        """The one way jobs follow new settings. `planned` is what each scheduled job runs
        now; `wanted` what each should run, with its interval. Jobs planned but not wanted
        are removed, equal ones left alone, and the rest (re)added, spread over their
        intervals, in `wanted`'s order."""
        removed = tuple(job_id for job_id in planned if job_id not in wanted)
        unchanged = tuple(
            job_id for job_id, (what, _) in wanted.items() if planned.get(job_id) == what
        )
        keep = set(unchanged)  # a tuple's `in` would make 20,000 components quadratic
        to_plan = [job_id for job_id in wanted if job_id not in keep]
        replaced = tuple(job_id for job_id in to_plan if job_id in planned)
        added = tuple(job_id for job_id in to_plan if job_id not in planned)
        # A changed job is removed before it is added again: before start() APScheduler
        # keeps a pending copy per add_job, replace_existing or not, and remove_job
        # takes only the first, so a later removal would leave one scheduled.
        for job_id in removed + replaced:
            remove(job_id)
        offsets = spread_offsets([wanted[job_id][1] for job_id in to_plan])
        for job_id, offset_s in zip(to_plan, offsets, strict=True):
            add(job_id, offset_s)
        return ScheduleChanges(added, replaced, removed, unchanged)

    def _add(
        self, component: ComponentConfig, offset_s: float, first_run: datetime | None = None
    ) -> None:
        assert component.check is not None
        if first_run is None:
            start = due_at_or_after(self._clock(), offset_s, component.interval_s)
        else:
            start, offset_s = first_run, grid_offset(first_run, component.interval_s)
        job = PlannedJob(component.id, component.check, component.interval_s, offset_s)
        self._jobs[component.id] = job
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
            # Given, not left to APScheduler: it would ask the trigger for the first
            # fire time after its own now, and a start that passed while the job was
            # being added (a taken-over component due at once) would move a whole
            # interval on. A start in the past is run at once, within the grace time.
            next_run_time=start,
        )

    def _add_periodic(self, job: PeriodicJob, offset_s: float) -> None:
        """On the same grid and executor as the probes: one run at a time, a late run
        skipped, never counted as a probe's skip."""
        self._periodic[job.job_id] = job
        start = due_at_or_after(self._clock(), offset_s, job.interval_s)
        self._scheduler.add_job(
            self._run_periodic,
            GridIntervalTrigger(seconds=job.interval_s, start_date=start),
            args=[job.job_id, job.run],
            id=job.job_id,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=misfire_grace_s(job.interval_s),
            next_run_time=start,  # as in `_add`
        )

    def _remove_periodic(self, job_id: str) -> None:
        self._periodic.pop(job_id, None)
        if self._scheduler.get_job(job_id) is not None:
            self._scheduler.remove_job(job_id)

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
