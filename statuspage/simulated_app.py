"""A simulated application serving the production configuration's three
health endpoints (system, database, external services).

It exists so a newcomer sees live data at once (`statuspage demo`) and so tests
and benchmarks have a realistic target. Latencies are drawn from log-normal
distributions whose medians sit well inside each SLA, with a tail that sometimes
misses it; a small share of requests fail the way real health checks fail.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True, slots=True)
class EndpointBehaviour:
    median_ms: float
    sigma: float  # log-normal spread: 0.5 puts roughly 1 in 20 requests past 2.3 x median
    failure_rate: float


@dataclass(slots=True)
class SimulatedApp:
    """State of the simulated application; `rng` is injectable so tests are repeatable."""

    rng: random.Random = field(default_factory=random.Random)
    started: float = field(default_factory=time.monotonic)
    memory_percent: float = 48.0
    behaviour: dict[str, EndpointBehaviour] = field(
        default_factory=lambda: {
            "system": EndpointBehaviour(median_ms=35, sigma=0.45, failure_rate=0.004),
            "database": EndpointBehaviour(median_ms=70, sigma=0.5, failure_rate=0.004),
            "external": EndpointBehaviour(median_ms=220, sigma=0.4, failure_rate=0.006),
        }
    )

    def latency_s(self, endpoint: str) -> float:
        spec = self.behaviour[endpoint]
        return self.rng.lognormvariate(math.log(spec.median_ms), spec.sigma) / 1000

    def fails(self, endpoint: str) -> bool:
        return self.rng.random() < self.behaviour[endpoint].failure_rate

    def step_memory(self) -> float:
        """A bounded random walk, so memory sometimes crosses the 80 % memory target."""
        self.memory_percent += self.rng.gauss(0, 1.5)
        self.memory_percent = min(max(self.memory_percent, 30.0), 92.0)
        return round(self.memory_percent, 1)


def system_body(app: SimulatedApp, failing: bool) -> dict[str, Any]:
    memory = app.step_memory()
    return {
        "status": "unhealthy" if failing else "healthy",
        "service": "acme-app",
        "version": "2026.11.3",
        "uptime_s": round(time.monotonic() - app.started),
        "database": {
            "status": "disconnected" if failing else "connected",
            "latency_ms": round(app.rng.uniform(0.8, 4.0), 2),
        },
        "memory": {"percent": memory, "used_mb": round(memory * 40.96), "total_mb": 4096},
    }


def database_body(app: SimulatedApp, failing: bool) -> dict[str, Any]:
    p50 = round(app.rng.uniform(4, 20), 1)
    return {
        "status": "unhealthy" if failing else "healthy",
        "mongodb": {
            "status": "disconnected" if failing else "connected",
            "ping_ms": round(app.rng.uniform(0.4, 3.0), 2),
            "query_ms": {"p50": p50, "p95": round(p50 * app.rng.uniform(2, 6), 1)},
            "connections": {"current": app.rng.randint(8, 40), "available": 800},
        },
    }


def external_body(app: SimulatedApp, failing: bool) -> dict[str, Any]:
    broken = app.rng.choice(["stripe", "llm", "email"]) if failing else None
    services = {
        name: {
            "status": "down" if name == broken else "operational",
            "latency_ms": round(app.rng.uniform(40, 300), 1),
        }
        for name in ("stripe", "llm", "email")
    }
    return {"status": "degraded" if failing else "healthy", "services": services}


BODIES = {"system": system_body, "database": database_body, "external": external_body}


def _handler(endpoint: str) -> Any:
    async def handle(request: web.Request) -> web.Response:
        app: SimulatedApp = request.app[SIMULATED_APP]
        await asyncio.sleep(app.latency_s(endpoint))
        failing = app.fails(endpoint)
        body = BODIES[endpoint](app, failing)
        return web.json_response(body, status=503 if failing else 200)

    return handle


SIMULATED_APP = web.AppKey("simulated_app", SimulatedApp)


def create_demo_target(simulated: SimulatedApp | None = None) -> web.Application:
    app = web.Application()
    app[SIMULATED_APP] = simulated or SimulatedApp()
    for endpoint in BODIES:
        app.router.add_get(f"/api/health/{endpoint}", _handler(endpoint))
    return app
