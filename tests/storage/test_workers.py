"""The worker roster: a heartbeat writes or renews a lease, the live members are those
whose lease runs past now, and a clean stop leaves at once."""

from __future__ import annotations

from datetime import timedelta

from storage.database import Database
from storage.workers import KEEP_DEPARTED, Beat, heartbeat, leave, live_members, roster
from tests.storage.builders import T0


def beat(worker_id: str, region: str = "eu", share: int = 3) -> Beat:
    return Beat(worker_id, region, "host", 123, T0, share, 0.002)


async def test_a_worker_is_live_until_its_lease_runs_out(db: Database) -> None:
    await heartbeat(db, beat("w1"), now=T0, lease_s=15)
    assert await live_members(db, "eu", now=T0 + timedelta(seconds=14.9)) == ["w1"]
    assert await live_members(db, "eu", now=T0 + timedelta(seconds=15)) == []


async def test_a_heartbeat_renews_the_lease_and_updates_share_and_lateness(db: Database) -> None:
    await heartbeat(db, beat("w1"), now=T0, lease_s=15)
    await heartbeat(db, beat("w1", share=7), now=T0 + timedelta(seconds=10), lease_s=15)
    assert await live_members(db, "eu", now=T0 + timedelta(seconds=20)) == ["w1"]
    (state,) = await roster(db)
    assert (state.share, state.lateness_s, state.started_at) == (7, 0.002, T0)
    assert state.heartbeat_at == T0 + timedelta(seconds=10)


async def test_members_are_per_region_and_sorted(db: Database) -> None:
    for worker_id, region in [("w2", "eu"), ("w1", "eu"), ("w3", "us")]:
        await heartbeat(db, beat(worker_id, region), now=T0, lease_s=15)
    assert await live_members(db, "eu", now=T0) == ["w1", "w2"]
    assert await live_members(db, "us", now=T0) == ["w3"]


async def test_leaving_removes_the_worker_at_once(db: Database) -> None:
    await heartbeat(db, beat("w1"), now=T0, lease_s=15)
    await leave(db, "w1")
    assert await live_members(db, "eu", now=T0) == []


async def test_departed_workers_stay_on_the_roster_for_a_while_then_go(db: Database) -> None:
    await heartbeat(db, beat("gone"), now=T0, lease_s=15)
    later = T0 + timedelta(seconds=60)
    await heartbeat(db, beat("w1"), now=later, lease_s=15)
    assert [s.worker_id for s in await roster(db)] == ["gone", "w1"]
    assert not (await roster(db))[0].live(later)
    await heartbeat(db, beat("w1"), now=T0 + KEEP_DEPARTED + timedelta(minutes=1), lease_s=15)
    assert [s.worker_id for s in await roster(db)] == ["w1"]


async def test_a_heartbeat_moves_a_worker_to_the_region_it_now_names(db: Database) -> None:
    await heartbeat(db, beat("w1", "eu"), now=T0, lease_s=15)
    await heartbeat(db, beat("w1", "us"), now=T0 + timedelta(seconds=5), lease_s=15)
    assert await live_members(db, "eu", now=T0 + timedelta(seconds=6)) == []
    assert await live_members(db, "us", now=T0 + timedelta(seconds=6)) == ["w1"]
