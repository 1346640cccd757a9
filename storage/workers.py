"""Probe worker membership: heartbeats in, live members and the roster out.

Times are the worker's own clock (`now`), passed in: a lease is `now + lease_s` when
written and compared with the reader's `now`, so hosts must keep their clocks within
a fraction of the lease (NTP does). Heartbeats are not page writes (`pages=False`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, delete, select

from storage.database import Database
from storage.tables.workers import ProbeWorker

# A departed worker's row stays this long for `statuspage status` to show, then goes.
KEEP_DEPARTED = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Beat:
    """What a worker says about itself each heartbeat."""

    worker_id: str
    region: str
    host: str
    pid: int
    started_at: datetime
    share: int
    lateness_s: float


@dataclass(frozen=True, slots=True)
class WorkerState:
    """One row of the roster, as operators read it."""

    worker_id: str
    region: str
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime
    expires_at: datetime
    share: int
    lateness_s: float

    def live(self, now: datetime) -> bool:
        return self.expires_at > now


async def heartbeat(db: Database, beat: Beat, *, now: datetime, lease_s: float) -> None:
    """Write or renew the worker's lease, and prune rows long departed."""
    async with db.write(pages=False) as session:
        row = await session.get(ProbeWorker, beat.worker_id)
        if row is None:
            row = ProbeWorker(
                id=beat.worker_id,
                region=beat.region,
                host=beat.host[:255],
                pid=beat.pid,
                started_at=beat.started_at,
                heartbeat_at=now,
                expires_at=now,
            )
        row.region = beat.region  # a reload may move the worker to another region
        row.heartbeat_at = now
        row.expires_at = now + timedelta(seconds=lease_s)
        row.share = beat.share
        row.lateness_s = beat.lateness_s
        session.add(row)
        await session.exec(
            delete(ProbeWorker).where(col(ProbeWorker.expires_at) < now - KEEP_DEPARTED)
        )


async def leave(db: Database, worker_id: str) -> None:
    """A clean stop: the row goes, so the others take the share at their next look."""
    async with db.write(pages=False) as session:
        await session.exec(delete(ProbeWorker).where(col(ProbeWorker.id) == worker_id))


async def live_members(db: Database, region: str, *, now: datetime) -> list[str]:
    """The ids of the region's workers whose lease runs past `now`, sorted."""
    return (await live_by_region(db, now=now)).get(region, [])


async def live_by_region(db: Database, *, now: datetime) -> dict[str, list[str]]:
    """Every region's live workers (lease past `now`), their ids sorted: one read serves
    both a worker's region and the jobs one worker of all regions runs (metric sources)."""
    async with db.read() as session:
        rows = await session.exec(
            select(ProbeWorker.region, ProbeWorker.id).where(col(ProbeWorker.expires_at) > now)
        )
        regions: dict[str, list[str]] = {}
        for region, worker_id in sorted(rows.all()):
            regions.setdefault(region, []).append(worker_id)
        return regions


async def roster(db: Database) -> Sequence[WorkerState]:
    """Every worker row, live or recently departed, by region then start."""
    async with db.read() as session:
        rows = await session.exec(
            select(ProbeWorker).order_by(
                col(ProbeWorker.region), col(ProbeWorker.started_at), col(ProbeWorker.id)
            )
        )
        return [
            WorkerState(
                r.id,
                r.region,
                r.host,
                r.pid,
                r.started_at,
                r.heartbeat_at,
                r.expires_at,
                r.share,
                r.lateness_s,
            )
            for r in rows.all()
        ]
