"""The judge's watching window starts again when its own trouble ends: its database
outage (its writer failing, its own round failing) and its own loop's long stalls."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.exc import OperationalError

from statuspage.service.judge_watch import JudgeWatch
from statuspage.service.loop_monitor import LoopMonitor, Stall
from storage.database import Database
from storage.results.writer import ResultWriter
from tests.storage.builders import T0

LATER = T0 + timedelta(minutes=10)
LOCKED = OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))


def started(writer: ResultWriter | None = None, monitor: LoopMonitor | None = None) -> JudgeWatch:
    watch = JudgeWatch(writer, monitor)
    watch.start(T0)
    return watch


def test_without_trouble_the_window_runs_from_the_start() -> None:
    assert started().since(LATER, round_failed=False, stall_s=3) == T0


def test_a_failed_round_starts_the_window_again_at_the_next_look() -> None:
    watch = started()
    assert watch.since(LATER, round_failed=True, stall_s=3) == LATER
    assert watch.since(LATER + timedelta(minutes=1), round_failed=False, stall_s=3) == LATER


async def test_the_window_starts_at_the_first_look_after_the_writer_recovers(
    db: Database,
) -> None:
    writer = ResultWriter(db)
    watch = started(writer)
    writer.failure = LOCKED  # as its last attempt left it
    assert watch.since(LATER, round_failed=False, stall_s=3) == LATER
    writer.failure = None  # a batch committed since
    back = LATER + timedelta(seconds=5)
    assert watch.since(back, round_failed=False, stall_s=3) == back
    assert watch.since(back + timedelta(seconds=5), round_failed=False, stall_s=3) == back


async def test_a_long_stall_starts_the_window_again_when_it_ended() -> None:
    monitor = LoopMonitor()
    watch = started(monitor=monitor)
    ended = asyncio.get_running_loop().time()
    monitor.stalls.append(Stall(ended - 20, ended))
    since = watch.since(LATER, round_failed=False, stall_s=3)
    assert since is not None
    assert LATER - timedelta(seconds=5) < since <= LATER


async def test_a_stall_too_short_to_matter_changes_nothing() -> None:
    monitor = LoopMonitor()
    watch = started(monitor=monitor)
    ended = asyncio.get_running_loop().time()
    monitor.stalls.append(Stall(ended - 2, ended))
    assert watch.since(LATER, round_failed=False, stall_s=3) == T0
