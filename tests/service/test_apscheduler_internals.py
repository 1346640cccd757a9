"""The cheaper APScheduler parts behave as the stock ones do, and the private
APScheduler names they rely on are still there (a newer release fails here first)."""

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
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.executors.base import BaseExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from hypothesis import given
from hypothesis import strategies as st

from statuspage.service.apscheduler_internals import CoroutineExecutor, LoopScheduler
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


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_apscheduler_is_the_release_these_parts_were_checked_against() -> None:
    assert version("apscheduler").startswith("3.11."), (
        "apscheduler_internals.py was checked against 3.11: read it against this release, "
        "then move the pin in pyproject.toml"
    )


def test_the_private_scheduler_names_the_parts_use_are_there() -> None:
    assert parameters(AsyncIOScheduler._start_timer) == ["self", "wait_seconds"]
    assert parameters(AsyncIOScheduler._stop_timer) == ["self"]
    assert parameters(AsyncIOScheduler._process_jobs) == ["self"]
    source = inspect.getsource(AsyncIOScheduler)
    assert "self._eventloop" in source
    assert "self._timeout" in source


async def test_the_private_executor_names_the_parts_use_are_there() -> None:
    assert parameters(AsyncIOExecutor._do_submit_job) == ["self", "job", "run_times"]
    assert parameters(BaseExecutor._run_job_success) == ["self", "job_id", "events"]
    assert parameters(BaseExecutor._run_job_error) == ["self", "job_id", "exc", "traceback"]
    executor = AsyncIOExecutor()
    scheduler = AsyncIOScheduler(timezone="UTC", executors={"default": executor})
    scheduler.start()
    try:
        assert executor._pending_futures == set()
        assert executor._eventloop is asyncio.get_running_loop()
    finally:
        scheduler.shutdown(wait=False)


# The release apscheduler_internals.py was read against, and a fingerprint (SHA-256 of
# `inspect.getsource`, first 16 hex digits) of each private piece of it the parts
# override (`_start_timer`, `_do_submit_job`), call (`_stop_timer`, `_process_jobs`,
# `_run_job_success`, `_run_job_error`), rely on for the private state they read
# (`_eventloop`, `_timeout`, `_pending_futures`: set in `start`, `_configure`,
# `_shutdown`), replace (`run_coroutine_job`, `wakeup`'s thread-safe hop) or are
# called from (`submit_job`). The pin allows every 3.11.x; a patch release that
# changes any of these bodies fails here, even where names and signatures stay.
CHECKED_RELEASE = "3.11.3"
CHECKED_SOURCES = {
    "apscheduler.schedulers.asyncio:run_in_event_loop": "894b8f9bff6b8dbb",
    "apscheduler.schedulers.asyncio:AsyncIOScheduler.start": "9730b359f73fcc67",
    "apscheduler.schedulers.asyncio:AsyncIOScheduler._configure": "dc0b02edf2bb99bc",
    "apscheduler.schedulers.asyncio:AsyncIOScheduler._shutdown": "1f53b11f555d4155",
    "apscheduler.schedulers.asyncio:AsyncIOScheduler._start_timer": "f5d020be902e2d94",
    "apscheduler.schedulers.asyncio:AsyncIOScheduler._stop_timer": "f579977c9a92f7c3",
    "apscheduler.schedulers.asyncio:AsyncIOScheduler.wakeup": "c12cdb42df5fc387",
    "apscheduler.schedulers.base:BaseScheduler._process_jobs": "efd3944de4e2c69e",
    "apscheduler.executors.asyncio:AsyncIOExecutor.start": "7f21effd0136f1b9",
    "apscheduler.executors.asyncio:AsyncIOExecutor.shutdown": "1248a39f5b366257",
    "apscheduler.executors.asyncio:AsyncIOExecutor._do_submit_job": "ebbba1ebb65dddd2",
    "apscheduler.executors.base:BaseExecutor.submit_job": "6856c7933692212c",
    "apscheduler.executors.base:BaseExecutor._run_job_success": "2c96368a7e57ca52",
    "apscheduler.executors.base:BaseExecutor._run_job_error": "c2c17406b8954444",
    "apscheduler.executors.base:run_coroutine_job": "7e447642793a3284",
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


def test_the_private_apscheduler_code_the_parts_rely_on_is_as_checked() -> None:
    now = {where: source_fingerprint(where) for where in CHECKED_SOURCES}
    changed = {where: f for where, f in now.items() if f != CHECKED_SOURCES[where]}
    assert changed == {}, (
        f"APScheduler {version('apscheduler')} changed these since {CHECKED_RELEASE}, "
        "the release statuspage/service/apscheduler_internals.py was checked against: "
        f"{sorted(changed)}. Read each one's new source against what the module "
        "overrides, calls or reads; run this file and bench/scheduler.py; then put the "
        "new fingerprints and release here, move the pin in pyproject.toml and update "
        "docs/benchmarks.md (the APScheduler internals' release)."
    )
