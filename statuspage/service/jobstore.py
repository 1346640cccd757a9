"""An in-memory APScheduler job store whose ordered list is searched by `bisect`.

APScheduler's `MemoryJobStore` keeps jobs sorted by (next run time, id) and finds
a job's place with a binary search written in Python, twice for every run. With
thousands of components that search was the largest part of the scheduler's cost
per run (py-spy, `bench/probes.py`). This store implements APScheduler's public
job-store interface (`BaseJobStore`) itself, with the same order: it keeps the sort
keys in a list of their own, so the search runs in C, and turns datetimes into
timestamps with `datetime.timestamp()` (C). Every timestamp it compares comes from
that one conversion, so the order is the one `MemoryJobStore` keeps.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from datetime import datetime

from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore, ConflictingIdError, JobLookupError

_NEVER = float("inf")  # a paused job (no next run time) sorts last, as in MemoryJobStore
Key = tuple[float, str]  # (timestamp or inf, job id)


class BisectMemoryJobStore(BaseJobStore):  # type: ignore[misc]  # APScheduler is untyped
    def __init__(self) -> None:
        super().__init__()
        self._jobs: list[Job] = []  # sorted as `_keys`
        self._keys: list[Key] = []
        self._by_id: dict[str, tuple[Job, Key]] = {}

    def lookup_job(self, job_id: str) -> Job | None:
        found = self._by_id.get(job_id)
        return None if found is None else found[0]

    def get_due_jobs(self, now: datetime) -> list[Job]:
        # (t,) sorts before every (t, id): the first key later than now ends the due run.
        return self._jobs[: bisect_left(self._keys, (math.nextafter(now.timestamp(), _NEVER),))]

    def get_next_run_time(self) -> datetime | None:
        return self._jobs[0].next_run_time if self._jobs else None

    def get_all_jobs(self) -> list[Job]:
        return list(self._jobs)  # paused jobs already last, as MemoryJobStore has them

    def add_job(self, job: Job) -> None:
        if job.id in self._by_id:
            raise ConflictingIdError(job.id)
        key = _key(job)
        index = bisect_left(self._keys, key)
        self._jobs.insert(index, job)
        self._keys.insert(index, key)
        self._by_id[job.id] = (job, key)

    def update_job(self, job: Job) -> None:
        # It runs once per run and per skipped run: the common case (a new run time)
        # moves one entry; an unchanged time replaces it in place.
        found = self._by_id.get(job.id)
        if found is None:
            raise JobLookupError(job.id)
        old_key = found[1]
        index = bisect_left(self._keys, old_key)
        new_key = _key(job)
        if new_key == old_key:
            self._jobs[index] = job
        else:
            del self._jobs[index]
            del self._keys[index]
            index = bisect_left(self._keys, new_key)
            self._jobs.insert(index, job)
            self._keys.insert(index, new_key)
        self._by_id[job.id] = (job, new_key)

    def remove_job(self, job_id: str) -> None:
        found = self._by_id.pop(job_id, None)
        if found is None:
            raise JobLookupError(job_id)
        index = bisect_left(self._keys, found[1])
        del self._jobs[index]
        del self._keys[index]

    def remove_all_jobs(self) -> None:
        self._jobs, self._keys, self._by_id = [], [], {}

    def shutdown(self) -> None:
        self.remove_all_jobs()


def _key(job: Job) -> Key:
    at = job.next_run_time
    return (_NEVER if at is None else at.timestamp(), job.id)
