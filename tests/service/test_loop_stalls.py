"""A probe held up by the prober's own stalled event loop is not the target's fault."""

from __future__ import annotations

import asyncio
import time

from prometheus_client import generate_latest

from probes.model import ProbeResult, ProbeStatus
from probes.sessions import ProbeSessions
from statuspage.service.loop_monitor import LoopMonitor, Stall
from statuspage.service.metrics import ServiceMetrics
from tests.probes.targets import RawServer, hang_forever, make_check
from tests.service.conftest import ListSink, runner
from tests.service.test_runner import DUE
from tests.waiting import eventually


def monitor_with(*stalls: tuple[float, float]) -> LoopMonitor:
    monitor = LoopMonitor(stall_s=0.5)
    monitor.stalls.extend(Stall(start, end) for start, end in stalls)
    return monitor


def test_a_stall_counts_only_where_it_overlaps_the_probe() -> None:
    monitor = monitor_with((10.0, 11.0), (20.0, 20.75))
    assert monitor.stalled_during(10.5, 30.0) == 0.5 + 0.75
    assert monitor.stalled_during(11.0, 20.0) == 0.0
    assert monitor.stalled_during(0.0, 10.25) == 0.25


def test_a_late_wake_up_is_a_stall_and_a_punctual_one_is_not() -> None:
    monitor = LoopMonitor(stall_s=0.5)
    monitor._note(due=1.0, woke=1.4)
    monitor._note(due=2.0, woke=2.5)
    assert list(monitor.stalls) == [Stall(2.0, 2.5)]
    assert (monitor.count, monitor.longest_s) == (1, 0.5)


def test_a_stall_still_going_on_when_the_probe_asks_counts_too() -> None:
    monitor = LoopMonitor(stall_s=0.5)
    monitor._due = 5.0  # the tick due at 5.0 has not run: the loop stood still since
    assert monitor.stalled_during(4.0, 6.0) == 1.0
    assert monitor.stalled_during(4.0, 5.25) == 0.0  # under the threshold: noise


async def hanging_probe_while(
    sessions: ProbeSessions, block_s: float
) -> tuple[ProbeResult, ServiceMetrics]:
    """Probe a target that never answers (timeout 0.3 s), holding the loop for `block_s`."""
    probes = runner(sessions, ListSink())
    probes.confirm_down_retries = 0
    probes.monitor.start()
    try:
        await asyncio.sleep(0.2)  # let the monitor tick once
        async with RawServer(hang_forever) as hanging:
            check = make_check(hanging.url, timeout_s=0.3)
            if block_s:
                asyncio.get_running_loop().call_later(0.05, time.sleep, block_s)
            result = await probes.run("api", check, DUE)
    finally:
        probes.monitor.stop()
    return result, probes.metrics


async def test_a_timeout_the_probers_stalled_loop_caused_is_unknown(
    sessions: ProbeSessions,
) -> None:
    result, metrics = await hanging_probe_while(sessions, block_s=1.0)
    assert result.status is ProbeStatus.UNKNOWN
    assert str(result.error).startswith("not measured: the prober's event loop stood still for ")
    scrape = generate_latest(metrics.registry).decode()
    assert 'statuspage_probes_unmeasured_total{cause="loop_stall"} 1.0' in scrape


async def test_a_timeout_with_the_loop_turning_is_the_targets(sessions: ProbeSessions) -> None:
    result, _ = await hanging_probe_while(sessions, block_s=0)
    assert result.status is ProbeStatus.DOWN
    assert result.error == "timeout after 300 ms"


async def test_the_monitor_notices_a_blocked_loop() -> None:
    monitor = LoopMonitor(tick_s=0.05, stall_s=0.3)
    monitor.start()
    try:
        await asyncio.sleep(0.1)
        time.sleep(0.5)  # the loop stands still
        await eventually(lambda: monitor.count == 1, "the stall to be recorded")
    finally:
        monitor.stop()
    assert monitor.longest_s >= 0.3


def test_the_last_stall_end_is_the_latest_stall_at_least_as_long_as_asked() -> None:
    monitor = monitor_with((10.0, 16.0), (20.0, 21.0))
    assert monitor.last_stall_end(30.0, at_least_s=0.5) == 21.0
    assert monitor.last_stall_end(30.0, at_least_s=3.0) == 16.0
    assert monitor.last_stall_end(30.0, at_least_s=10.0) is None


def test_a_stall_not_yet_noticed_by_a_tick_ends_now() -> None:
    monitor = monitor_with((10.0, 16.0))
    monitor._due = 25.0  # the tick due at 25.0 has not run: the loop stood still since
    assert monitor.last_stall_end(30.0, at_least_s=3.0) == 30.0
    assert monitor.last_stall_end(30.0, at_least_s=6.0) == 16.0  # 5 s still: too short
