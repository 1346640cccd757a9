"""The scheduler wiring, with short intervals against a real local target."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pytest_aiohttp import AiohttpServer

from probes.clock import system_clock
from probes.sessions import ProbeSessions
from statuspage.config import ComponentConfig
from statuspage.service.schedule import ANCHOR
from statuspage.service.scheduler import PeriodicJob, ProbeScheduler
from storage.results.writer import ResultRecord
from tests.probes.targets import RawServer, hang_forever, make_check
from tests.service.conftest import ListSink, flaky_app, runner
from tests.service.test_probe_stats import samples
from tests.waiting import eventually


def skipped_metric(scheduler: ProbeScheduler) -> dict[str, float]:
    """statuspage_probe_runs_skipped_total by reason, as a scrape reads it."""
    scraped = samples(scheduler.runner.metrics.registry)
    return {
        dict(labels)["reason"]: value
        for (name, labels), value in scraped.items()
        if name == "statuspage_probe_runs_skipped_total"
    }


def component(cid: str, url: str, interval_s: float) -> ComponentConfig:
    return ComponentConfig(
        id=cid,
        name=cid,
        group=None,
        group_id=None,
        position=1,
        description=None,
        check=make_check(url),
        interval_s=interval_s,
        show_url=False,
    )


def runs_of(sink: ListSink, component_id: str) -> int:
    return sum(r.component_id == component_id for r in sink.records)


@pytest.fixture
async def healthy_url(aiohttp_server: AiohttpServer) -> str:
    return str((await aiohttp_server(flaky_app(failures=0))).make_url("/health"))


async def test_every_component_is_probed_on_its_own_drift_free_grid(
    healthy_url: str, sessions: ProbeSessions
) -> None:
    sink = ListSink()
    scheduler = ProbeScheduler(runner(sessions, sink), system_clock)
    scheduler.apply([component("a", healthy_url, 0.5), component("b", healthy_url, 0.5)])
    scheduler.start()
    await eventually(lambda: min(runs_of(sink, "a"), runs_of(sink, "b")) >= 3, "three runs each")
    await scheduler.shutdown(grace_s=2)
    offsets = {cid: job.offset_s for cid, job in scheduler.jobs.items()}
    assert offsets == {"a": 0.0, "b": 0.25}
    for cid in ("a", "b"):
        due = sorted(r.scheduled_at for r in sink.records if r.component_id == cid)
        assert len(due) >= 3
        gaps = {later - earlier for earlier, later in itertools.pairwise(due)}
        assert gaps == {timedelta(seconds=0.5)}
        assert all(((d - ANCHOR).total_seconds() - offsets[cid]) % 0.5 == 0 for d in due)


def test_apply_leaves_unchanged_jobs_alone_and_replaces_changed_ones() -> None:
    scheduler = ProbeScheduler(runner=None, clock=system_clock)  # type: ignore[arg-type]  # never runs here
    first = [component("a", "http://127.0.0.1:9/a", 30), component("b", "http://127.0.0.1:9/b", 30)]
    scheduler.apply(first)
    changed_b = replace(first[1], check=make_check("http://127.0.0.1:9/b2"))
    changes = scheduler.apply([first[0], changed_b, component("c", "http://127.0.0.1:9/c", 30)])
    assert changes.unchanged == ("a",)
    assert changes.replaced == ("b",)
    assert changes.added == ("c",)
    changes = scheduler.apply([first[0]])
    assert set(changes.removed) == {"b", "c"}
    assert set(scheduler.jobs) == {"a"}


async def _nothing() -> None:
    pass


def test_apply_periodic_leaves_jobs_of_the_same_interval_alone() -> None:
    scheduler = ProbeScheduler(runner=None, clock=system_clock)  # type: ignore[arg-type]  # never runs here
    scheduler.apply_periodic([PeriodicJob("a", 30, _nothing), PeriodicJob("b", 30, _nothing)])
    kept = scheduler._scheduler.get_job("a")
    changes = scheduler.apply_periodic(
        [
            PeriodicJob("a", 30, _nothing),
            PeriodicJob("b", 60, _nothing),
            PeriodicJob("c", 30, _nothing),
        ]
    )
    assert (changes.unchanged, changes.replaced, changes.added) == (("a",), ("b",), ("c",))
    assert scheduler._scheduler.get_job("a") is kept
    changes = scheduler.apply_periodic([PeriodicJob("a", 30, _nothing)])
    assert set(changes.removed) == {"b", "c"}
    assert set(scheduler.periodic_jobs) == {"a"}
    assert [job.id for job in scheduler._scheduler.get_jobs()] == ["a"]
    assert scheduler.jobs == {}  # the probes' jobs are another set


async def test_a_run_still_going_makes_the_next_one_skip_and_be_counted(
    sessions: ProbeSessions,
) -> None:
    sink = ListSink()
    scheduler = ProbeScheduler(runner(sessions, sink), system_clock)
    async with RawServer(hang_forever) as hanging:
        stuck = replace(
            component("stuck", hanging.url, 0.2), check=make_check(hanging.url, timeout_s=1.5)
        )
        scheduler.apply([stuck])
        scheduler.start()
        await eventually(lambda: scheduler.skipped >= 2, "two skipped runs")
        await scheduler.shutdown(grace_s=2)
    assert scheduler.skipped >= 2
    assert len(sink.records) == 1
    assert skipped_metric(scheduler) == {"still_running": scheduler.skipped, "late": 0}


async def test_a_run_that_starts_past_its_grace_time_is_skipped_as_late(
    healthy_url: str, sessions: ProbeSessions
) -> None:
    sink = ListSink()
    scheduler = ProbeScheduler(runner(sessions, sink), system_clock)
    scheduler.apply([component("a", healthy_url, 60)])  # may start up to 30 s late
    scheduler.start()
    aps = scheduler._scheduler  # runs due 40 s ago, as after a stalled loop
    for job_id in ("a", "_skip_summary"):  # the summary's own miss is no probe run
        # modify() wakes the scheduler (APScheduler's public API), which finds them late.
        aps.get_job(job_id).modify(next_run_time=datetime.now(UTC) - timedelta(seconds=40))
    await eventually(lambda: scheduler.skipped == 1, "the late run skipped")
    await scheduler.shutdown(grace_s=5)
    assert sink.records == []
    assert scheduler.skipped == 1
    assert skipped_metric(scheduler) == {"still_running": 0, "late": 1}


class ClosingSink(ListSink):
    """A writer stand-in that refuses results once closed, as ResultWriter does."""

    closed = False

    def submit(self, record: ResultRecord) -> None:
        if self.closed:
            raise RuntimeError("the result writer is closed")
        super().submit(record)


async def test_shutdown_waits_for_runs_submitted_but_not_started_yet(
    healthy_url: str, sessions: ProbeSessions
) -> None:
    sink = ClosingSink()
    scheduler = ProbeScheduler(runner(sessions, sink), system_clock)
    scheduler.apply([component(f"c{i}", healthy_url, 30) for i in range(5)])
    scheduler.start()
    for job in scheduler._scheduler.get_jobs():  # every run due now
        job.modify(next_run_time=datetime.now(UTC))  # each modify() wakes the scheduler
    # One turn of the loop: the wake-up submits the five runs; their tasks exist and
    # none has taken its first step (a task's first step comes a turn later).
    await asyncio.sleep(0)
    await scheduler.shutdown(grace_s=5)
    sink.closed = True
    await asyncio.sleep(0.3)  # a run shutdown did not wait for would finish here, and fail
    assert sorted(r.component_id for r in sink.records) == [f"c{i}" for i in range(5)]


async def test_a_first_run_that_passed_while_its_job_was_added_runs_at_once(
    sessions: ProbeSessions,
) -> None:
    """A component taken over from a dead worker is due at once (`resume_times`); by the
    time APScheduler adds its job that moment has passed. It must still run then, not
    an interval later: bench/workers.py saw 5 of 508 taken components resume 45 s after
    their worker died, against a bound of 30 s."""
    scheduler = ProbeScheduler(runner(sessions, ListSink()), system_clock)
    scheduler.start()
    try:
        passed = system_clock() - timedelta(seconds=0.5)
        soon = system_clock() + timedelta(seconds=20)
        components = [
            component("taken", "http://127.0.0.1:9/health", 30.0),
            component("later", "http://127.0.0.1:9/health", 30.0),
        ]
        scheduler.apply(components, {"taken": passed, "later": soon})
        # Read before the loop runs anything: what APScheduler will run them at.
        planned = scheduler.next_runs()
        assert planned["taken"] == passed
        assert planned["later"] == soon
    finally:
        await scheduler.shutdown(grace_s=1)
