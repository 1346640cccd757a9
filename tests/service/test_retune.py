"""A reloaded `[probes]` section reaches the running ProbeRunner: limits, region, retries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiohttp import web
from pytest_aiohttp import AiohttpServer

from probes.model import ProbeStatus
from probes.sessions import ProbeSessions
from statuspage.service.metrics import ServiceMetrics
from statuspage.service.runner import ProbeLimits, ProbeRunner
from statuspage.settings_model import ProbeSettings
from tests.probes.targets import make_check
from tests.service.conftest import ListSink, flaky_app

DUE = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def runner_with(sessions: ProbeSessions, sink: ListSink, concurrency: int) -> ProbeRunner:
    limits = ProbeLimits(concurrency=concurrency, rate_per_s=1000, per_host=0)
    return ProbeRunner(sessions, sink, limits, ServiceMetrics(), region="eu")


def settings(**changes: object) -> ProbeSettings:
    base: dict[str, object] = {
        "concurrency": 10,
        "rate_per_s": 1000.0,
        "per_host_limit": 0,
        "region": "eu",
        "confirm_down_retries": 1,
    }
    return ProbeSettings.model_validate(base | changes)


class Gate:
    """Requests in flight at the target, and the door that lets them finish."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.now = 0
        self.most = 0


GATE = web.AppKey("gate", Gate)


def held_app() -> web.Application:
    """Holds every request until the test opens the gate."""
    gate = Gate()

    async def health(request: web.Request) -> web.Response:
        gate.now += 1
        gate.most = max(gate.most, gate.now)
        await gate.open.wait()
        gate.now -= 1
        return web.json_response({"status": "healthy"})

    app = web.Application()
    app.router.add_get("/health", health)
    app[GATE] = gate
    return app


def test_unchanged_settings_change_nothing(sessions: ProbeSessions) -> None:
    probes = runner_with(sessions, ListSink(), concurrency=10)
    limits = probes.limits
    assert probes.retune(settings()) == []
    assert probes.limits is limits


def test_changed_keys_are_named_and_taken(sessions: ProbeSessions) -> None:
    probes = runner_with(sessions, ListSink(), concurrency=10)
    changed = probes.retune(settings(concurrency=3, region="us", confirm_down_retries=0))
    assert changed == ["probes.concurrency", "probes.region", "probes.confirm_down_retries"]
    assert (probes.limits.concurrency, probes.region, probes.confirm_down_retries) == (3, "us", 0)


async def test_results_after_a_retune_carry_the_new_region_and_retries(
    aiohttp_server: AiohttpServer, sessions: ProbeSessions
) -> None:
    server = await aiohttp_server(flaky_app(failures=1))
    sink = ListSink()
    probes = runner_with(sessions, sink, concurrency=10)
    probes.retune(settings(region="us", confirm_down_retries=0))
    await probes.run("api", make_check(server.make_url("/health")), DUE)
    (record,) = sink.records
    assert record.region == "us"
    # Without its confirmation retry the one failure is recorded as it came.
    assert (record.result.status, record.result.attempts) == (ProbeStatus.DOWN, 1)


async def test_a_raised_cap_lets_more_probes_reach_the_target_at_once(
    aiohttp_server: AiohttpServer, sessions: ProbeSessions
) -> None:
    server = await aiohttp_server(held_app())
    gate = server.app[GATE]
    check = make_check(server.make_url("/health"))
    probes = runner_with(sessions, ListSink(), concurrency=1)
    first = asyncio.create_task(probes.run("a", check, DUE))
    while gate.now < 1:
        await asyncio.sleep(0.01)
    probes.retune(settings(concurrency=3))
    later = [asyncio.create_task(probes.run(name, check, DUE)) for name in ("b", "c")]
    for _ in range(300):  # the two new probes need no slot of the old cap of 1
        if gate.now == 3:
            break
        await asyncio.sleep(0.01)
    gate.open.set()
    results = await asyncio.gather(first, *later)
    assert gate.most == 3
    assert [r.status for r in results] == [ProbeStatus.UP] * 3
