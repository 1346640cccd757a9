"""Scraped metric points, kept through a database outage as probe results are.

The collector submits each scrape's points here (`storage/buffered.py`: bounded,
written in batches, retried with backoff, the oldest dropped and counted past
`max_buffer`). Writing a batch again stores nothing twice: `write_points` replaces
a point at a time already stored. Pushed points do not come here: the write API
answers its client only once they are stored, so the client knows to retry.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.buffered import BufferedWriter
from storage.metrics.writes import Point, write_points

MAX_PENDING_POINTS = 100_000  # about 20 MB; a day of 70 metrics scraped every minute


@dataclass(frozen=True, slots=True)
class PendingPoint:
    point: Point
    public: bool  # shown on the public page: its write must move the pages' version


class PointWriter(BufferedWriter[PendingPoint]):
    noun = "metric points"

    async def _insert(self, records: list[PendingPoint]) -> None:
        points = [r.point for r in records]
        await write_points(self._db, points, pages=any(r.public for r in records))

    def _describe(self, record: PendingPoint) -> str:
        return f"point of {record.point.metric_id!r}"
