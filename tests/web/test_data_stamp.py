"""The data stamp is read at most once per interval, behind the requests that need it,
and no request waits long for a read that hangs."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import OperationalError

from statuspage.http.data_stamp import DataUnavailable, StampWatcher
from storage.queries.latest import DataStamp
from tests.waiting import GENEROUS_S


class Storage:
    """A stand-in for `data_stamp`: counts reads, can be held back or broken."""

    def __init__(self) -> None:
        self.value = 1
        self.reads = 0
        self.broken = False
        self.gate = asyncio.Event()
        self.gate.set()

    async def read(self) -> DataStamp:
        self.reads += 1
        await self.gate.wait()
        if self.broken:
            raise OperationalError("SELECT", {}, Exception("connection refused"))
        return (self.value,)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_the_first_request_waits_for_the_stamp() -> None:
    storage = Storage()
    assert await StampWatcher(storage.read).stamp() == (1,)


async def test_within_the_interval_the_database_is_not_asked_again() -> None:
    storage, clock = Storage(), Clock()
    watcher = StampWatcher(storage.read, interval_s=1.0, clock=clock)
    for _ in range(10):
        await watcher.stamp()
    assert storage.reads == 1


async def test_after_the_interval_requests_go_on_while_the_stamp_is_read() -> None:
    storage, clock = Storage(), Clock()
    watcher = StampWatcher(storage.read, interval_s=1.0, clock=clock)
    await watcher.stamp()
    storage.value, clock.now = 2, clock.now + 1.5
    storage.gate.clear()  # the next read is slow
    assert await asyncio.wait_for(watcher.stamp(), 0.1) == (1,)  # no waiting
    storage.gate.set()
    await settle()
    assert await watcher.stamp() == (2,)
    assert storage.reads == 2


async def test_a_failed_read_means_unavailable_until_a_read_succeeds() -> None:
    storage, clock = Storage(), Clock()
    watcher = StampWatcher(storage.read, interval_s=1.0, clock=clock)
    await watcher.stamp()
    storage.broken, clock.now = True, clock.now + 1.5
    await watcher.stamp()  # starts the failing read
    await settle()
    with pytest.raises(DataUnavailable):
        await watcher.stamp()
    storage.broken, clock.now = False, clock.now + 1.5
    with pytest.raises(DataUnavailable):
        await watcher.stamp()  # still away for this request; the read starts behind it
    await settle()
    assert await watcher.stamp() == (1,)


async def test_a_render_that_failed_on_the_database_makes_it_unavailable() -> None:
    watcher = StampWatcher(Storage().read, interval_s=1.0, clock=Clock())
    await watcher.stamp()
    watcher.failed(OSError("connection reset"))
    with pytest.raises(DataUnavailable):
        await watcher.stamp()


async def test_an_interval_of_zero_reads_and_waits_every_time() -> None:
    storage = Storage()
    watcher = StampWatcher(storage.read, interval_s=0)
    await watcher.stamp()
    storage.value = 2
    assert await watcher.stamp() == (2,)


async def test_a_first_read_slower_than_wait_s_is_still_waited_for() -> None:
    """Before the first stamp nothing was rendered: a 503 is all a request could get
    instead, so it waits `first_wait_s`, not the 2 s of a page with a copy."""
    storage = Storage()
    storage.gate.clear()
    watcher = StampWatcher(storage.read, wait_s=0.01, first_wait_s=GENEROUS_S, timeout_s=3600)
    first = asyncio.create_task(watcher.stamp())
    await asyncio.sleep(0.05)  # well past wait_s
    assert not first.done()
    storage.gate.set()
    assert await first == (1,)


async def test_a_first_read_that_hangs_is_waited_for_only_first_wait_s() -> None:
    storage = Storage()
    storage.gate.clear()  # the database neither answers nor fails
    watcher = StampWatcher(storage.read, wait_s=0.01, first_wait_s=0.01, timeout_s=3600)
    async with asyncio.timeout(GENEROUS_S):
        with pytest.raises(DataUnavailable):
            await watcher.stamp()
    assert watcher.reading  # left running, for a later request to use


async def test_a_read_stuck_past_its_timeout_by_the_clock_means_unavailable() -> None:
    storage, clock = Storage(), Clock()
    watcher = StampWatcher(storage.read, interval_s=1.0, timeout_s=5.0, clock=clock)
    await watcher.stamp()
    storage.value, clock.now = 2, clock.now + 1.5
    storage.gate.clear()  # stuck where cancelling cannot end it
    assert await watcher.stamp() == (1,)  # starts the read, does not wait for it
    await settle()
    clock.now += 5.0
    with pytest.raises(DataUnavailable):
        await watcher.stamp()
    assert storage.reads == 2  # no second read while the first is stuck
    storage.gate.set()
    await settle()
    assert await watcher.stamp() == (2,)
