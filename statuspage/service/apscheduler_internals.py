"""The only code here that reaches into APScheduler's private internals.

Two parts cost less per run when thousands of jobs are due each second. Each is a
subclass of the stock part and keeps its documented behaviour; what changes is the
work done per run, which `bench/probes.py` counted (cProfile calls per probe) and
timed, and `bench/scheduler.py` measures against the stock parts (docs/benchmarks.md:
without them the probe benchmark loses throughput, so they stay).

They override private methods (`_start_timer`, `_do_submit_job`) and read private
state (`_eventloop`, `_timeout`, `_stop_timer`, `_process_jobs`, `_pending_futures`,
`_run_job_success`, `_run_job_error`). `pyproject.toml` pins APScheduler below 3.12,
and `tests/service/test_apscheduler_internals.py` fails loudly, naming the name,
if any of them changes shape or its source differs from 3.11.3's, the release these
parts were checked against: check them against the new release, then move the pin.

* `LoopScheduler`: `AsyncIOScheduler` arms its timer with `self.wakeup`, which is
  decorated to be callable from any thread and so goes through
  `call_soon_threadsafe`: two system calls on the loop's self-pipe and one more
  loop pass on every timed wake-up. The timer already fires in the loop, so it
  processes the jobs directly. `wakeup()` itself, used when jobs are added or
  changed, stays thread-safe.
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
