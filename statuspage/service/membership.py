"""A probe worker's membership of its region: heartbeat, read the members, probe a share.

On PostgreSQL without a static `--shard`, every probe process of a region is a member.
Each `POLL_S` it reads the live members and probes its rendezvous share of the
region's components (`statuspage.rules.rendezvous`); every `lease_s / 3` it renews its
lease. A member that dies stops renewing, its lease runs out, and at the others'
next look (at most `POLL_S` later) its components are theirs, each carrying on one
interval after its last stored result, or within a few seconds if that has passed
(`schedule.resume_times`): a dead worker's components go unprobed for at most the
longer of one interval and the lease plus `POLL_S` plus that spread.
A returning worker announces itself and takes its share at once; the others drop it
within `POLL_S`, so at most one run of a component is probed twice.

A worker that cannot renew (the database is unreachable, or the process was stopped)
stops probing once a third of its lease is left: by then it may be presumed dead,
and the others may have its share. `may_probe` is the scheduler's gate for that.

A metric source is not the region's: one worker of all regions scrapes it, the owner
of its job id among every region's live members (`holds`, the scheduler's gate for its
periodic jobs), by the same rendezvous rule, so it moves and comes back as a component
does. Every worker keeps every source's job and asks at each run: a call that returns at
once per source and interval, and no rescheduling when owners change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta

from probes.clock import Clock
from statuspage.config import ComponentConfig, Settings
from statuspage.rules.rendezvous import holder, share_of
from statuspage.service.schedule import resume_times
from statuspage.service.scheduler import ProbeScheduler
from statuspage.service.settings_holder import SettingsHolder
from statuspage.service.shards import components_to_probe
from storage.database import Database
from storage.queries.latest import last_due_times
from storage.workers import Beat, heartbeat, leave, live_by_region

log = logging.getLogger("statuspage.membership")

POLL_S = 1.0  # how often members are read: how late a departure is noticed


def uses_membership(settings: Settings, db: Database) -> bool:
    """Dynamic shares on PostgreSQL; a static `--shard K/N` (N > 1) opts out, and on
    SQLite there is only ever one probing process (`storage.writer_lock`)."""
    return not db.is_sqlite and settings.file.probes.shard.total == 1


def new_worker_id() -> str:
    """Unique per start, so a restarted worker is a new member, never a ghost's heir."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


class Membership:
    def __init__(
        self, db: Database, scheduler: ProbeScheduler, settings: SettingsHolder, clock: Clock
    ) -> None:
        self._db = db
        self._scheduler = scheduler
        self._settings = settings
        self._clock = clock
        self.worker_id = new_worker_id()
        self._started_at = clock()
        self._beat_at: datetime | None = None  # the last heartbeat that committed
        self._members: list[str] = []  # the region's live members
        self._regions: dict[str, list[str]] = {}  # every region's, for the jobs of no region
        self._applied: Sequence[ComponentConfig] | None = None
        self._share: tuple[tuple[int, tuple[str, ...]], list[ComponentConfig]] | None = None
        self._stopped = asyncio.Event()
        self._unreachable = False
        scheduler.may_probe = self.may_probe
        scheduler.may_run_periodic = self.holds

    def _lease(self) -> timedelta:
        return timedelta(seconds=self._settings.current.file.probes.lease_s)

    def may_probe(self) -> bool:
        """True while this worker's lease surely holds: two thirds of it past the last beat."""
        if self._beat_at is None:
            return False
        return self._clock() < self._beat_at + self._lease() * 2 / 3

    def holds(self, job_id: str) -> bool:
        """True if this worker runs `job_id`, a job one worker of all regions runs (a
        metric source's scrape): it owns the id among every live member, and its lease
        surely holds."""
        return self.may_probe() and holder(job_id, self._regions) == self.worker_id

    def share(self) -> list[ComponentConfig]:
        """This worker's components under the settings in force and the members last read."""
        # Hashing every component against every member is the costly part (20,000
        # components and 20 members: 400,000 hashes); members and settings seldom change.
        key = (self._settings.generation, tuple(self._members))
        if self._share is None or self._share[0] != key:
            components = components_to_probe(self._settings.current)
            mine = share_of(self.worker_id, components, self._members)
            self._share = (key, mine)
        return self._share[1]

    async def step(self) -> None:
        """One look: renew the lease when due, read the members, apply the share."""
        now = self._clock()
        try:
            if self._beat_at is None or now - self._beat_at >= self._lease() / 3:
                await self._beat(now)
            regions = await live_by_region(self._db, now=now)
            self._members = regions.get(self._settings.current.file.probes.region, [])
            self._regions = regions
        except Exception as error:  # the database is away: keep the share while it holds
            if not self._unreachable:  # once per outage, not every second
                log.warning(
                    "membership: cannot reach the database; probing stops if the lease may lapse",
                    extra={"fields": {"error": str(error)[:200]}},
                )
            self._unreachable = True
            if not self.may_probe():
                self._members, self._regions = [], {}
        else:
            self._unreachable = False
        share = self.share()
        if share is not self._applied:
            self._apply(share, await self._first_runs(share, now))

    async def _first_runs(
        self, share: Sequence[ComponentConfig], now: datetime
    ) -> dict[str, datetime]:
        """When the components this worker is about to take first run: one interval after
        their last result in the region (another worker's, or this one's before a
        restart), or soon if that has passed. Those with no recent result are left to
        the scheduler's spread; so is everything while the database cannot say."""
        held = self._scheduler.jobs
        taken = {c.id: c.interval_s for c in share if c.check is not None and c.id not in held}
        if not taken:
            return {}
        region = self._settings.current.file.probes.region
        # Older than this, a result is overdue whatever it says: spread like a new one.
        since = now - timedelta(seconds=2 * max(taken.values()) + self._lease().total_seconds())
        try:
            last = await last_due_times(self._db, region, list(taken), since=since)
        except Exception as error:
            log.warning(
                "membership: cannot read where taken components left off; spreading them",
                extra={"fields": {"error": str(error)[:200]}},
            )
            return {}
        return resume_times({cid: (due, taken[cid]) for cid, due in last.items()}, now)

    async def _beat(self, now: datetime) -> None:
        runner = self._scheduler.runner
        beat = Beat(
            worker_id=self.worker_id,
            region=self._settings.current.file.probes.region,
            host=socket.gethostname(),
            pid=os.getpid(),
            started_at=self._started_at,
            share=len(self._scheduler.jobs),
            lateness_s=round(runner.worst_lateness_s, 3),
        )
        await heartbeat(self._db, beat, now=now, lease_s=self._settings.current.file.probes.lease_s)
        runner.worst_lateness_s = 0.0
        self._beat_at = now

    def _apply(self, share: Sequence[ComponentConfig], first_runs: dict[str, datetime]) -> None:
        self._applied = share
        changes = self._scheduler.apply(share, first_runs)
        if changes.added or changes.removed:
            log.info(
                "share changed",
                extra={
                    "fields": {
                        "worker": self.worker_id,
                        "members": len(self._members),
                        "share": len(self._scheduler.jobs),
                        "taken": len(changes.added),
                        "given_up": len(changes.removed),
                    }
                },
            )

    async def run(self) -> None:
        while not self._stopped.is_set():
            await self.step()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), POLL_S)

    async def stop(self) -> None:
        """Stop looking and leave: the others take the share at their next look."""
        self._stopped.set()
        try:
            await leave(self._db, self.worker_id)
        except Exception as error:  # the lease runs out on its own
            log.warning(
                "membership: could not leave", extra={"fields": {"error": str(error)[:200]}}
            )
