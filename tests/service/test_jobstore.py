"""The bisect job store keeps exactly the order APScheduler's MemoryJobStore keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.job import Job
from apscheduler.jobstores.base import ConflictingIdError, JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from hypothesis import given, settings
from hypothesis import strategies as st

from statuspage.service.jobstore import BisectMemoryJobStore

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
IDS = [f"c{i}" for i in range(8)]

# (operation, job id, seconds after T0 or None for a paused job)
operations = st.lists(
    st.tuples(
        st.sampled_from(["add", "update", "remove"]),
        st.sampled_from(IDS),
        st.none() | st.integers(min_value=0, max_value=10).map(lambda n: n / 2),
    ),
    max_size=60,
)


def job(scheduler: AsyncIOScheduler, job_id: str, seconds: float | None) -> Job:
    at = None if seconds is None else T0 + timedelta(seconds=seconds)
    return Job(scheduler, id=job_id, func=print, args=(), kwargs={}, next_run_time=at,
               trigger=DateTrigger(T0), executor="default", name=job_id, misfire_grace_time=1,
               coalesce=True, max_instances=1)  # fmt: skip


def apply(store: Any, scheduler: AsyncIOScheduler, op: str, job_id: str, at: float | None) -> str:
    try:
        if op == "add":
            store.add_job(job(scheduler, job_id, at))
        elif op == "update":
            store.update_job(job(scheduler, job_id, at))
        else:
            store.remove_job(job_id)
    except (ConflictingIdError, JobLookupError) as error:
        return type(error).__name__
    return "ok"


@settings(max_examples=300)
@given(operations, st.integers(min_value=0, max_value=12).map(lambda n: n / 2))
def test_every_sequence_of_changes_leaves_the_same_order(
    ops: list[tuple[str, str, float | None]], due_after: float
) -> None:
    scheduler = AsyncIOScheduler(timezone="UTC")
    ours, theirs = BisectMemoryJobStore(), MemoryJobStore()
    for op, job_id, at in ops:
        assert apply(ours, scheduler, op, job_id, at) == apply(theirs, scheduler, op, job_id, at)
        assert [j.id for j in ours.get_all_jobs()] == [j.id for j in theirs.get_all_jobs()]
    now = T0 + timedelta(seconds=due_after)
    assert [j.id for j in ours.get_due_jobs(now)] == [j.id for j in theirs.get_due_jobs(now)]
    assert ours.get_next_run_time() == theirs.get_next_run_time()


def test_updating_or_removing_an_unknown_job_is_an_error() -> None:
    scheduler, store = AsyncIOScheduler(timezone="UTC"), BisectMemoryJobStore()
    with pytest.raises(JobLookupError):
        store.update_job(job(scheduler, "missing", 1.0))
    with pytest.raises(JobLookupError):
        store.remove_job("missing")
