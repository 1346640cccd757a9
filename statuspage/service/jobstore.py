"""APScheduler's in-memory job store, with its ordered list searched by `bisect`.

`MemoryJobStore` keeps jobs sorted by (next run time, id) and finds a job's
place with a binary search written in Python, twice for every run. With
thousands of components that search was the largest part of the scheduler's
cost per run (py-spy, `bench/probes.py`). This store keeps a parallel list of
the sort keys, so the same search runs in C, and turns datetimes into
timestamps with `datetime.timestamp()` (C) rather than APScheduler's
`datetime_to_utc_timestamp` (Python, via a time tuple). Every timestamp the
store compares comes from the same conversion, so the order is unchanged.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from datetime import datetime
from typing import Any

from apscheduler.job import Job
from apscheduler.jobstores.base import ConflictingIdError, JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore

_NEVER = float("inf")  # a paused job (no next run time) sorts last, as in MemoryJobStore


class BisectMemoryJobStore(MemoryJobStore):  # type: ignore[misc]  # APScheduler is untyped
    def __init__(self) -> None:
        super().__init__()
        self._keys: list[tuple[float, str]] = []  # (timestamp or inf, job id), as self._jobs

    def get_due_jobs(self, now: datetime) -> list[Job]:
        # MemoryJobStore.get_due_jobs, on this store's timestamps.
        # (t,) sorts before every (t, id): the first key later than now ends the due run.
        due = bisect_left(self._keys, (math.nextafter(now.timestamp(), _NEVER),))
        return [job for job, _ in self._jobs[:due]]

    def add_job(self, job: Job) -> None:
        if job.id in self._jobs_index:
            raise ConflictingIdError(job.id)
        timestamp = _timestamp(job.next_run_time)
        index = self._get_job_index(timestamp, job.id)
        self._jobs.insert(index, (job, timestamp))
        self._keys.insert(index, _key(timestamp, job.id))
        self._jobs_index[job.id] = (job, timestamp)

    def update_job(self, job: Job) -> None:
        # MemoryJobStore.update_job, with the keys moved in step with the jobs. It runs
        # once per run and per skipped run, so the key arithmetic is written out here.
        old_job, old_timestamp = self._jobs_index.get(job.id, (None, None))
        if old_job is None:
            raise JobLookupError(job.id)
        keys = self._keys
        old_index = bisect_left(keys, _key(old_timestamp, job.id))
        next_run = job.next_run_time
        new_timestamp = None if next_run is None else next_run.timestamp()
        if old_timestamp == new_timestamp:
            self._jobs[old_index] = (job, new_timestamp)
        else:
            del self._jobs[old_index]
            del keys[old_index]
            new_key = _key(new_timestamp, job.id)
            new_index = bisect_left(keys, new_key)
            self._jobs.insert(new_index, (job, new_timestamp))
            keys.insert(new_index, new_key)
        self._jobs_index[job.id] = (job, new_timestamp)

    def remove_job(self, job_id: str) -> None:
        _, timestamp = self._jobs_index.get(job_id, (None, None))
        index = self._get_job_index(timestamp, job_id) if job_id in self._jobs_index else -1
        super().remove_job(job_id)
        del self._keys[index]

    def remove_all_jobs(self) -> None:
        super().remove_all_jobs()
        self._keys = []

    def _get_job_index(self, timestamp: float | None, job_id: str) -> Any:
        return bisect_left(self._keys, _key(timestamp, job_id))


def _timestamp(at: datetime | None) -> float | None:
    return None if at is None else at.timestamp()


def _key(timestamp: float | None, job_id: str) -> tuple[float, str]:
    return (_NEVER if timestamp is None else timestamp, job_id)
