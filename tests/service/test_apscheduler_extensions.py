"""The APScheduler parts written to its documented extension points behave as the
stock ones do, and the extension points they rely on are as checked (a newer release
fails here first)."""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import inspect
from datetime import UTC, datetime, timedelta
from importlib.metadata import version

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.executors.base import BaseExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from hypothesis import given
from hypothesis import strategies as st

from statuspage.service.apscheduler_extensions import CoroutineExecutor, LoopScheduler
from statuspage.service.grid_trigger import GridIntervalTrigger
from tests.waiting import eventually

T0 = datetime(2026, 3, 2, 12, 0, 0, 250_000, tzinfo=UTC)


@given(
    st.sampled_from([0.2, 0.5, 1.0, 7.5, 30.0, 3600.0]),
    st.lists(st.integers(min_value=-5, max_value=50), min_size=1, max_size=30),
)
def test_the_grid_trigger_answers_as_interval_trigger_does(
    seconds: float, steps: list[int]
) -> None:
    ours = GridIntervalTrigger(seconds=seconds, start_date=T0)
    stock = IntervalTrigger(seconds=seconds, start_date=T0, timezone="UTC")
    previous: datetime | None = None
    for step in steps:
        now = T0 + timedelta(seconds=step * seconds / 3)
        for asked in (previous, previous):  # APScheduler asks twice for the same time
            assert ours.get_next_fire_time(asked, now) == stock.get_next_fire_time(asked, now)
        previous = ours.get_next_fire_time(previous, now)


def test_the_grid_trigger_does_not_answer_an_equal_but_other_time_from_its_memo() -> None:
    trigger = GridIntervalTrigger(seconds=10, start_date=T0)
    first = trigger.get_next_fire_time(T0, T0)
    later = T0 + timedelta(seconds=10)
    assert trigger.get_next_fire_time(later, later) == T0 + timedelta(seconds=20)
    assert trigger.get_next_fire_time(T0, T0) == first


class Events:
    def __init__(self) -> None:
        self.codes: list[int] = []

    def __call__(self, event: JobEvent) -> None:
        self.codes.append(event.code)


def scheduler_with(events: Events) -> LoopScheduler:
    scheduler = LoopScheduler(timezone="UTC", executors={"default": CoroutineExecutor()})
    scheduler.add_listener(
        events, EVENT_JOB_MISSED | EVENT_JOB_ERROR | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_EXECUTED
    )
    return scheduler


async def test_runs_are_timed_in_the_loop_and_a_running_job_is_not_started_twice() -> None:
    loop = asyncio.get_running_loop()
    events, started = Events(), 0
    release = asyncio.Event()

    async def slow() -> None:
        nonlocal started
        started += 1
        await release.wait()

    scheduler = scheduler_with(events)
    scheduler.start()
    scheduler.add_job(slow, "interval", seconds=0.1, max_instances=1, coalesce=True)
    threadsafe_calls = 0
    stock_call = loop.call_soon_threadsafe

    def counting(*args: object, **kwargs: object) -> asyncio.Handle:
        nonlocal threadsafe_calls
        threadsafe_calls += 1
        return stock_call(*args, **kwargs)  # type: ignore[arg-type]

    loop.call_soon_threadsafe = counting  # type: ignore[method-assign]
    try:
        await eventually(
            lambda: events.codes.count(EVENT_JOB_MAX_INSTANCES) >= 3,
            "three runs skipped while the first one runs",
        )
    finally:
        loop.call_soon_threadsafe = stock_call  # type: ignore[method-assign]
    assert started == 1  # the later runs were skipped
    assert threadsafe_calls == 0  # timed wake-ups no longer hop through the self-pipe
    release.set()
    # The instance is given back when the first run ends, so another starts.
    await eventually(lambda: started >= 2, "a second run")
    scheduler.shutdown(wait=False)
    await asyncio.sleep(0)


async def test_a_late_run_is_missed_and_a_failing_one_reported() -> None:
    events = Events()
    ran: list[str] = []

    async def record(name: str) -> None:
        ran.append(name)

    async def fail() -> None:
        raise RuntimeError("boom")

    scheduler = scheduler_with(events)
    scheduler.start()
    past = datetime.now(UTC) - timedelta(seconds=30)
    scheduler.add_job(record, "date", run_date=past, args=["late"], misfire_grace_time=1)
    scheduler.add_job(record, "date", args=["now"], misfire_grace_time=1)
    scheduler.add_job(fail, "date", misfire_grace_time=1)
    await eventually(lambda: len(events.codes) >= 2 and bool(ran), "the three jobs handled")
    scheduler.shutdown(wait=False)
    await asyncio.sleep(0)
    assert ran == ["now"]
    assert events.codes.count(EVENT_JOB_MISSED) == 1
    assert events.codes.count(EVENT_JOB_ERROR) == 1
    assert EVENT_JOB_EXECUTED not in events.codes  # not sent: nothing here listens for it


async def test_a_plain_function_job_fails_as_a_job_error() -> None:
    events = Events()
    scheduler = scheduler_with(events)
    scheduler.start()
    scheduler.add_job(print, "date", args=["not a coroutine"], misfire_grace_time=1)
    await eventually(lambda: bool(events.codes), "the job's outcome")
    scheduler.shutdown(wait=False)
    await asyncio.sleep(0)
    assert events.codes == [EVENT_JOB_ERROR]


async def test_a_cancelled_run_gives_its_instance_back() -> None:
    events = Events()
    starts = 0

    async def sleepy() -> None:
        nonlocal starts
        starts += 1
        await asyncio.sleep(10)

    executor = CoroutineExecutor()
    scheduler = LoopScheduler(timezone="UTC", executors={"default": executor})
    scheduler.add_listener(events, EVENT_JOB_MAX_INSTANCES)
    scheduler.start()
    scheduler.add_job(sleepy, "interval", seconds=0.1, max_instances=1, next_run_time=None)
    job = scheduler.get_jobs()[0]
    job.modify(next_run_time=datetime.now(UTC))
    scheduler.wakeup()
    await eventually(lambda: starts == 1, "the first run")
    for task in executor.running():
        task.cancel()
    # The next run starts: the cancelled one gave its instance back.
    await eventually(lambda: starts >= 2, "the next run")
    scheduler.shutdown(wait=False)
    await asyncio.sleep(0)


async def test_a_wakeup_from_another_thread_runs_the_jobs_in_the_loop() -> None:
    loop = asyncio.get_running_loop()
    ran_in: list[asyncio.AbstractEventLoop] = []

    async def record() -> None:
        ran_in.append(asyncio.get_running_loop())

    scheduler = scheduler_with(Events())
    scheduler.start()
    scheduler.add_job(record, "interval", seconds=3600, next_run_time=None, id="job")
    job = scheduler.get_job("job")
    await asyncio.to_thread(job.modify, next_run_time=datetime.now(UTC))
    await asyncio.to_thread(scheduler.wakeup)
    await eventually(lambda: bool(ran_in), "the run asked for from another thread")
    scheduler.shutdown(wait=False)
    assert ran_in == [loop]


class CountingStore(MemoryJobStore):  # type: ignore[misc]
    """Counts how often the scheduler looks for due jobs: once per processing."""

    def __init__(self) -> None:
        super().__init__()
        self.looked = 0

    def get_due_jobs(self, now: datetime) -> list[object]:
        self.looked += 1
        due: list[object] = super().get_due_jobs(now)
        return due


async def test_wakeups_asked_before_the_loop_gets_to_them_are_processed_once() -> None:
    store = CountingStore()
    scheduler = LoopScheduler(
        timezone="UTC", jobstores={"default": store}, executors={"default": CoroutineExecutor()}
    )
    scheduler.start()
    await eventually(lambda: store.looked == 1, "the start's processing")
    for _ in range(50):
        scheduler.wakeup()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert store.looked == 2
    scheduler.shutdown(wait=False)


async def test_shutdown_takes_effect_at_once_and_cancels_what_still_runs() -> None:
    started = asyncio.Event()

    async def sleepy() -> None:
        started.set()
        await asyncio.sleep(10)

    store = CountingStore()
    executor = CoroutineExecutor()
    scheduler = LoopScheduler(
        timezone="UTC", jobstores={"default": store}, executors={"default": executor}
    )
    scheduler.start()
    scheduler.add_job(sleepy, "interval", seconds=0.05, max_instances=1)
    await asyncio.wait_for(started.wait(), 10)
    [run] = executor.running()
    scheduler.shutdown(wait=False)
    assert not scheduler.running  # no hop through the loop first, as the stock one takes
    looked = store.looked
    scheduler.wakeup()  # a late wake-up after shutdown processes nothing
    await asyncio.sleep(0.2)  # four intervals: a timer left armed would look again
    assert store.looked == looked
    assert run.cancelled()
    assert executor.running() == set()


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_apscheduler_is_the_release_these_parts_were_checked_against() -> None:
    assert version("apscheduler").startswith("3.11."), (
        "apscheduler_extensions.py was checked against 3.11: read it against this release, "
        "then move the pin in pyproject.toml"
    )


def test_the_extension_points_the_parts_use_are_there() -> None:
    # Named in APScheduler 3's "Extending APScheduler" guide for scheduler and
    # executor subclasses; underscored, so checked here rather than trusted.
    assert parameters(BaseScheduler._process_jobs) == ["self"]
    assert parameters(BaseExecutor._do_submit_job) == ["self", "job", "run_times"]
    assert parameters(BaseExecutor._run_job_success) == ["self", "job_id", "events"]
    assert parameters(BaseExecutor._run_job_error) == ["self", "job_id", "exc", "traceback"]
    assert getattr(BaseExecutor._do_submit_job, "__isabstractmethod__", False)


# The release apscheduler_extensions.py was read against, and a fingerprint (SHA-256 of
# `inspect.getsource`, first 16 hex digits) of each underscored extension point it
# calls (`_process_jobs`, `_run_job_success`, `_run_job_error`) or implements
# (`_do_submit_job`, called from `submit_job`, which counts the instances the two
# `_run_job_*` give back). The pin allows every 3.11.x; a patch release that changes
# any of these bodies fails here, even where names and signatures stay.
CHECKED_RELEASE = "3.11.3"
CHECKED_SOURCES = {
    "apscheduler.schedulers.base:BaseScheduler._process_jobs": "efd3944de4e2c69e",
    "apscheduler.executors.base:BaseExecutor._do_submit_job": "ab4950f091ddeb3f",
    "apscheduler.executors.base:BaseExecutor.submit_job": "6856c7933692212c",
    "apscheduler.executors.base:BaseExecutor._run_job_success": "2c96368a7e57ca52",
    "apscheduler.executors.base:BaseExecutor._run_job_error": "c2c17406b8954444",
}


def source_fingerprint(where: str) -> str:
    """`module:Qualified.name` -> its source's fingerprint, or "missing"."""
    module_name, _, qualified = where.partition(":")
    found: object = importlib.import_module(module_name)
    for part in qualified.split("."):
        found = getattr(found, part, None)
        if found is None:
            return "missing"
    source = inspect.getsource(found)  # type: ignore[arg-type]
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def test_the_apscheduler_code_the_parts_rely_on_is_as_checked() -> None:
    now = {where: source_fingerprint(where) for where in CHECKED_SOURCES}
    changed = {where: f for where, f in now.items() if f != CHECKED_SOURCES[where]}
    assert changed == {}, (
        f"APScheduler {version('apscheduler')} changed these since {CHECKED_RELEASE}, "
        "the release statuspage/service/apscheduler_extensions.py was checked against: "
        f"{sorted(changed)}. Read each one's new source against what the module "
        "calls or implements; run this file and bench/scheduler.py; then put the "
        "new fingerprints and release here, move the pin in pyproject.toml and update "
        "docs/benchmarks.md (keeping the APScheduler extensions)."
    )
