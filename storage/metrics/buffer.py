"""Scraped metric points and problems, kept through a database outage as probe
results are.

The collector submits each scrape's points and problems here (`storage/buffered.py`: bounded,
written in batches, retried with backoff, the oldest dropped and counted past
`max_buffer`). Writing a batch again stores nothing twice: `write_points` replaces
a point at a time already stored, and a problem is written only in a batch that
commits, after its points. Pushed points do not come here: the write API
answers its client only once they are stored, so the client knows to retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.buffered import BufferedWriter
from storage.metrics.writes import Point, record_problem, write_points
from storage.vocabulary import MetricProblemSide

# About 27 MB at 268 bytes a point: a day of 70 metrics scraped every minute.
MAX_PENDING_POINTS = 100_000


@dataclass(frozen=True, slots=True)
class PendingPoint:
    point: Point
    public: bool  # shown on the public page: its write must move the pages' version


@dataclass(frozen=True, slots=True)
class PendingProblem:
    """Why these metrics got no value from the scrape at `at`."""

    metric_ids: tuple[str, ...]
    at: datetime
    side: MetricProblemSide
    message: str


class PointWriter(BufferedWriter[PendingPoint | PendingProblem]):
    noun = "metric points"

    async def _insert(self, records: list[PendingPoint | PendingProblem]) -> None:
        pending = [r for r in records if isinstance(r, PendingPoint)]
        points = [r.point for r in pending]
        await write_points(self._db, points, pages=any(r.public for r in pending))
        # Each in its own transaction after the points: a batch retried after a
        # failed problem writes its points again, which replaces them.
        for problem in records:
            if isinstance(problem, PendingProblem):
                at, side, message = problem.at, problem.side, problem.message
                await record_problem(self._db, problem.metric_ids, at, side, message)

    def _describe(self, record: PendingPoint | PendingProblem) -> str:
        if isinstance(record, PendingProblem):
            return f"problem of {', '.join(map(repr, record.metric_ids))}"
        return f"point of {record.point.metric_id!r}"
