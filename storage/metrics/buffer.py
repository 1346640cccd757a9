"""Scraped metric points and problems, kept through a database outage as probe
results are.

The collector submits each scrape's points and problems here (`storage/buffered.py`: bounded,
written in batches, retried with backoff, the oldest dropped and counted past
`max_buffer`). Writing a batch again stores nothing twice: `write_points` replaces
a point at a time already stored, and a batch's problems are written in the same
transaction as its points. Pushed points do not come here: the write API
answers its client only once they are stored, so the client knows to retry.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.buffered import BufferedWriter
from storage.metrics.writes import NewProblem, Point, write_points

# About 27 MB at 268 bytes a point: a day of 70 metrics scraped every minute.
MAX_PENDING_POINTS = 100_000


@dataclass(frozen=True, slots=True)
class PendingPoint:
    point: Point
    public: bool  # shown on the public page: its write must move the pages' version


class PointWriter(BufferedWriter[PendingPoint | NewProblem]):
    noun = "metric points"

    async def _insert(self, records: list[PendingPoint | NewProblem]) -> None:
        pending = [r for r in records if isinstance(r, PendingPoint)]
        problems = [r for r in records if isinstance(r, NewProblem)]
        points = [r.point for r in pending]
        public = any(r.public for r in pending)
        await write_points(self._db, points, pages=public, problems=problems)

    def _describe(self, record: PendingPoint | NewProblem) -> str:
        if isinstance(record, NewProblem):
            return f"problem of {', '.join(map(repr, record.metric_ids))}"
        return f"point of {record.point.metric_id!r}"
