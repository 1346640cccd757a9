"""A scheduler and an executor for the probes, written to APScheduler's documented
extension points, so that no private APScheduler state is read or patched.

APScheduler 3's "Extending APScheduler" guide
(https://apscheduler.readthedocs.io/en/3.x/extending.html) describes both:

* a custom scheduler subclasses `BaseScheduler`, overrides `start()`, `shutdown()`
  and `wakeup()` (calling the base class's), and "manages the scheduler's sleeping
  based on the return values of `_process_jobs()`";
* a custom executor subclasses `BaseExecutor`, implements its abstract
  `_do_submit_job()`, and notifies the scheduler of each run's result, which
  `BaseExecutor` does in `_run_job_success()` / `_run_job_error()` (they also give
  back the run's instance, so `max_instances` holds).

Those four underscore names are the whole contract with APScheduler beyond its
public API. APScheduler is pinned below 3.12, and
`tests/service/test_apscheduler_extensions.py` checks their signatures and compares
their source with 3.11.3's, the release this module was checked against, so a
release that changes them fails there, naming each one.

Why not the stock `AsyncIOScheduler` and `AsyncIOExecutor` (`bench/scheduler.py`,
docs/benchmarks.md, "Keeping the APScheduler extensions"):

* `AsyncIOScheduler` hops through `call_soon_threadsafe` (two system calls on the
  loop's self-pipe and one more loop pass) on every timed wake-up, although its timer
  already fires in the loop: with thousands of components that is one hop per run.
* `AsyncIOExecutor` wraps every run in `run_coroutine_job`, which looks its logger
  up, builds an `EVENT_JOB_EXECUTED` event nothing here listens for, and reads
  `datetime.now` for the misfire check; this executor reads the service's injected
  clock, so a test's clock decides which runs are late.
* Shutdown needs every run submitted and not finished, started or not (a run left
  out would hand its result on after the writer closed); the stock executor keeps
  them only in private state. This one keeps its own set (`running()`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.base import BaseExecutor
from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler

from probes.clock import Clock, system_clock

log = logging.getLogger("apscheduler.executors.default")


class LoopScheduler(BaseScheduler):  # type: ignore[misc]  # APScheduler is untyped
    """A scheduler on the running asyncio loop; `start()` is called in that loop.

    `wakeup()` may be called from any thread; the jobs are always processed in the
    loop, and several wake-ups asked for before the loop gets to them are one."""

    def __init__(self, **options: Any) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._wake_asked = False
        super().__init__(**options)

    def start(self, paused: bool = False) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        super().start(paused)

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)
        self._cancel_timer()

    def wakeup(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return  # not started: `start()` wakes it
        if threading.get_ident() != self._loop_thread:
            loop.call_soon_threadsafe(self.wakeup)
        elif not self._wake_asked:
            self._wake_asked = True
            loop.call_soon(self._process)

    def _create_default_executor(self) -> CoroutineExecutor:
        return CoroutineExecutor()

    def _process(self) -> None:
        self._wake_asked = False
        self._cancel_timer()
        if not self.running:
            return  # shut down since this was asked for
        wait_seconds = self._process_jobs()
        if wait_seconds is not None and self._loop is not None:
            self._timer = self._loop.call_later(wait_seconds, self._process)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class CoroutineExecutor(BaseExecutor):  # type: ignore[misc]
    """Runs coroutine-function jobs as tasks of the running loop.

    A plain function fails as a job error. The misfire check reads `clock`, the
    service's clock; a late run sends `EVENT_JOB_MISSED`, a failing one
    `EVENT_JOB_ERROR`; no `EVENT_JOB_EXECUTED` is sent: nothing here listens for it.
    """

    def __init__(self, clock: Clock = system_clock) -> None:
        super().__init__()
        self._clock = clock
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runs: set[asyncio.Task[list[JobExecutionEvent]]] = set()

    def start(self, scheduler: BaseScheduler, alias: str) -> None:
        super().start(scheduler, alias)
        self._loop = asyncio.get_running_loop()

    def shutdown(self, wait: bool = True) -> None:
        # As the stock asyncio executor: a coroutine cannot be waited for here, so
        # what still runs is cancelled; ProbeScheduler.shutdown waits for it first.
        for task in self._runs:
            task.cancel()
        self._runs.clear()

    def running(self) -> set[asyncio.Task[Any]]:
        """The runs submitted and not finished, whether their task has started or not."""
        return set(self._runs)

    def _do_submit_job(self, job: Job, run_times: list[datetime]) -> None:
        assert self._loop is not None, "the executor has not been started"
        task = self._loop.create_task(self._run(job, run_times))
        task.add_done_callback(self._finished_callback(job.id))
        self._runs.add(task)

    def _finished_callback(self, job_id: str) -> Callable[[asyncio.Task[Any]], None]:
        def finished(task: asyncio.Task[Any]) -> None:
            self._runs.discard(task)
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
