"""Shared pieces for service tests: client sessions, a result sink, a flaky target."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from probes.sessions import ProbeSessions
from statuspage.service.metrics import ServiceMetrics
from statuspage.service.runner import ProbeLimits, ProbeRunner
from storage.results.writer import ResultRecord
from tests.probes.targets import HEALTHY


class ListSink:
    def __init__(self) -> None:
        self.records: list[ResultRecord] = []

    def submit(self, record: ResultRecord) -> None:
        self.records.append(record)


@pytest.fixture
async def sessions() -> AsyncIterator[ProbeSessions]:
    both = ProbeSessions.open()  # as statuspage.app wires them: the runner caps
    yield both
    await both.close()


def runner(sessions: ProbeSessions, sink: ListSink, *, per_host: int = 2) -> ProbeRunner:
    limits = ProbeLimits(concurrency=10, rate_per_s=1000, per_host=per_host)
    return ProbeRunner(sessions, sink, limits, ServiceMetrics(), region="eu")


CALLS = web.AppKey("calls", dict)


def flaky_app(failures: int) -> web.Application:
    """Answers 503 `failures` times, then healthy: a dropped packet, in HTTP terms."""
    calls = {"n": 0}

    async def health(request: web.Request) -> web.Response:
        calls["n"] += 1
        if calls["n"] <= failures:
            return web.json_response({"status": "unhealthy"}, status=503)
        return web.json_response(HEALTHY)

    app = web.Application()
    app.router.add_get("/health", health)
    app[CALLS] = calls
    return app
