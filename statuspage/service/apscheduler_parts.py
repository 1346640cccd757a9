"""APScheduler 3.11 parts that cost less per run when thousands of jobs are due each second.

Each is a subclass of the stock part and keeps its documented behaviour; what
changes is the work done per run, which `bench/probes.py` counted (cProfile calls
per probe) and timed:

* `LoopScheduler`: `AsyncIOScheduler` arms its timer with `self.wakeup`, which is
  decorated to be callable from any thread and so goes through
  `call_soon_threadsafe`: two system calls on the loop's self-pipe and one more
  loop pass on every timed wake-up. The timer already fires in the loop, so it
  processes the jobs directly. `wakeup()` itself, used when jobs are added or
  changed, stays thread-safe.
* `GridIntervalTrigger`: APScheduler asks a job's trigger twice per run for the
  fire time after the same scheduled time (in `Job._get_run_times` and again in
  `_process_jobs`). Given a previous fire time, `IntervalTrigger`'s answer depends
  on nothing else when there is no jitter and no end date, so the last answer is
  kept and handed out again for the same previous time.
* `CoroutineExecutor`: `AsyncIOExecutor` wraps every run in `run_coroutine_job`,
  which looks its logger up, builds a `timedelta` and an `EVENT_JOB_EXECUTED`
  event, and checks whether the function is a coroutine function. This executor
  runs coroutine functions only (a plain function fails as a job error), keeps the
  misfire check and the `EVENT_JOB_MISSED` / `EVENT_JOB_ERROR` events, and sends
  no `EVENT_JOB_EXECUTED`: nothing here listens for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.job import Job
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from probes.clock import Clock, system_clock

log = logging.getLogger("apscheduler.executors.default")


class LoopScheduler(AsyncIOScheduler):  # type: ignore[misc]  # APScheduler is untyped
    def _start_timer(self, wait_seconds: float | None) -> None:
        self._stop_timer()
        if wait_seconds is not None:
            self._timeout = self._eventloop.call_later(wait_seconds, self._wake_in_loop)

    def _wake_in_loop(self) -> None:
        self._stop_timer()
        self._start_timer(self._process_jobs())


class GridIntervalTrigger(IntervalTrigger):  # type: ignore[misc]
    """An `IntervalTrigger` on UTC from `start_date`, with no jitter and no end."""

    # Class defaults, so an unpickled trigger (no __init__) starts with an empty memo.
    _asked: datetime | None = None
    _answer: datetime | None = None

    def __init__(self, *, seconds: float, start_date: datetime) -> None:
        super().__init__(seconds=seconds, start_date=start_date, timezone="UTC")

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is None:
            first: datetime | None = super().get_next_fire_time(None, now)
            return first
        if previous_fire_time is not self._asked:
            self._answer = super().get_next_fire_time(previous_fire_time, now)
            self._asked = previous_fire_time
        return self._answer


class CoroutineExecutor(AsyncIOExecutor):  # type: ignore[misc]
    """Runs coroutine-function jobs as tasks of the scheduler's event loop.

    `clock` is the service's clock, read for the misfire check.
    """

    def __init__(self, clock: Clock = system_clock) -> None:
        super().__init__()
        self._clock = clock

    def running(self) -> set[asyncio.Task[Any]]:
        """The runs submitted and not finished, whether their task has started or not."""
        return set(self._pending_futures)

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        task = self._eventloop.create_task(self._run(job, run_times))
        task.add_done_callback(self._finished_callback(job.id))
        self._pending_futures.add(task)

    def _finished_callback(self, job_id: str) -> Callable[[asyncio.Task[Any]], None]:
        def finished(task: asyncio.Task[Any]) -> None:
            self._pending_futures.discard(task)
            if task.cancelled():
                self._run_job_success(job_id, [])
            elif (exc := task.exception()) is not None:  # a BaseException, such as SystemExit
                self._run_job_error(job_id, exc, exc.__traceback__)
            else:
                self._run_job_success(job_id, task.result())

        return finished

    async def _run(self, job: Job, run_times: list[datetime]) -> list[JobExecutionEvent]:
        events = []
        grace_s = job.misfire_grace_time
        for run_time in run_times:
            if grace_s is not None and (self._clock() - run_time).total_seconds() > grace_s:
                events.append(
                    JobExecutionEvent(EVENT_JOB_MISSED, job.id, job._jobstore_alias, run_time)
                )
                continue
            try:
                await job.func(*job.args, **job.kwargs)
            except Exception as exc:
                log.exception("job %r raised an exception", job.id)
                events.append(
                    JobExecutionEvent(
                        EVENT_JOB_ERROR, job.id, job._jobstore_alias, run_time, exception=exc
                    )
                )
        return events
