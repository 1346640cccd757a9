"""A simulated application serving the production configuration's three
health endpoints (system, database, external services) and, at `/metrics`, the
Prometheus exposition the production configuration's metrics read (docs/metrics.md).

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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)


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


@dataclass(frozen=True, slots=True)
class Route:
    per_s: float  # requests a second
    median_s: float
    failure_rate: float  # answered 500 or 503


# The application's traffic, as its own instrumentation would count it. Healthy, with
# headroom: over an hour the p95 reads about 770 ms against the 1 s objective and the
# p99 about 1.4 s against 2 s (with the AI route's median at 0.9 s they sat at 990 ms
# and 1,990 ms, so the demo fired latency alerts half the time).
ROUTES = {
    "/api/assessments": Route(6.0, 0.18, 0.004),
    "/api/payments": Route(0.8, 0.35, 0.0005),
    "/api/auth/login": Route(2.0, 0.09, 0.0005),
    "/api/knowledge-base": Route(4.0, 0.12, 0.003),
    "/api/ai/ask": Route(1.5, 0.5, 0.01),
}
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
MAX_SIMULATED_S = 300.0  # a scrape after a long pause simulates at most this much traffic


COMPLETION_BY_TIER = {"free": (72.0, 3.0), "pro": (88.0, 2.0)}  # mean %, spread


@dataclass
class SimulatedMetrics:
    """The application's Prometheus metrics. Traffic since the last scrape is simulated
    when a scrape arrives (no background task), from `rng` like everything else."""

    rng: random.Random
    stopwatch: Callable[[], float] = time.monotonic  # a test moves it
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.last = self.stopwatch()
        r = self.registry
        self.requests = Counter("http_requests", "Requests", ["route", "status"], registry=r)
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Latency",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.cpu = Gauge("process_cpu_percent", "CPU use", registry=r)
        self.memory = Gauge("process_memory_percent", "Memory use", registry=r)
        self.pool = Gauge("db_pool_connections", "Database pool", ["state"], registry=r)
        self.queries = Counter("db_queries", "Database queries", registry=r)
        self.sessions = Gauge("active_sessions", "Signed-in sessions", registry=r)
        self.users = Gauge("active_users", "Distinct active users", ["window"], registry=r)
        self.payments = Counter("payments", "Payments", ["outcome"], registry=r)
        self.signups = Counter("signups", "Sign-ups", ["plan"], registry=r)
        self.subscriptions = Gauge(
            "subscription_rate_percent", "Conversion and churn", ["kind"], registry=r
        )
        self.service_requests = Counter(
            "service_requests", "Service requests", ["state"], registry=r
        )
        self.fulfilment = Gauge(
            "service_requests_fulfilled_percent", "Fulfilled in a day", registry=r
        )
        for route in ROUTES:  # exported from the start, as instrumented apps do
            self.latency.labels(route)
            for status in ("200", "500", "503"):
                self.requests.labels(route, status)
        for outcome in ("succeeded", "failed"):
            self.payments.labels(outcome)
        for state in ("created", "fulfilled"):
            self.service_requests.labels(state)

    def scrape(self) -> bytes:
        now = self.stopwatch()
        elapsed, self.last = min(now - self.last, MAX_SIMULATED_S), now
        for route, spec in ROUTES.items():
            self._traffic(route, spec, elapsed)
        self._resources(elapsed)
        self._business(elapsed)
        return generate_latest(self.registry)

    def _count(self, per_s: float, elapsed: float) -> int:
        expected = per_s * elapsed
        return max(0, round(self.rng.gauss(expected, math.sqrt(expected) + 1e-9)))

    def _traffic(self, route: str, spec: Route, elapsed: float) -> None:
        for _ in range(self._count(spec.per_s, elapsed)):
            failed = self.rng.random() < spec.failure_rate
            status = self.rng.choice(("500", "503")) if failed else "200"
            self.requests.labels(route, status).inc()
            self.latency.labels(route).observe(
                self.rng.lognormvariate(math.log(spec.median_s), 0.6)
            )
        self.queries.inc(self._count(spec.per_s * 4, elapsed))

    def _resources(self, elapsed: float) -> None:
        self.cpu.set(round(min(max(self.rng.gauss(45, 12), 3), 99), 1))
        self.memory.set(round(min(max(self.rng.gauss(62, 8), 20), 97), 1))
        in_use = self.rng.randint(4, 18)
        self.pool.labels("in_use").set(in_use)
        self.pool.labels("idle").set(20 - in_use)
        self.sessions.set(self.rng.randint(180, 260))

    def _business(self, elapsed: float) -> None:
        self.users.labels("day").set(self.rng.randint(1150, 1300))
        self.users.labels("month").set(self.rng.randint(9800, 10200))
        self.subscriptions.labels("conversion").set(round(self.rng.uniform(3.5, 4.5), 2))
        self.subscriptions.labels("churn").set(round(self.rng.uniform(1.5, 2.5), 2))
        for _ in range(self._count(0.8, elapsed)):
            failed = self.rng.random() < 0.00005
            self.payments.labels("failed" if failed else "succeeded").inc()
        self.signups.labels(self.rng.choice(("free", "pro"))).inc(self._count(0.05, elapsed))
        created = self._count(0.02, elapsed)
        self.service_requests.labels("created").inc(created)
        fulfilled = sum(self.rng.random() < 0.93 for _ in range(created))
        self.service_requests.labels("fulfilled").inc(fulfilled)
        self.fulfilment.set(round(min(self.rng.gauss(93.0, 1.0), 100.0), 1))

    def completion_percent(self, tier: str) -> float:
        """Share of assessments started that were completed, as the application works
        it out itself (and pushes it: `statuspage.simulated_push`)."""
        mean, spread = COMPLETION_BY_TIER[tier]
        return round(min(max(self.rng.gauss(mean, spread), 0.0), 100.0), 1)


SIMULATED_APP = web.AppKey("simulated_app", SimulatedApp)
SIMULATED_METRICS = web.AppKey("simulated_metrics", SimulatedMetrics)


async def _metrics(request: web.Request) -> web.Response:
    body = request.app[SIMULATED_METRICS].scrape()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def create_demo_target(
    simulated: SimulatedApp | None = None, metrics: SimulatedMetrics | None = None
) -> web.Application:
    app = web.Application()
    app[SIMULATED_APP] = simulated or SimulatedApp()
    app[SIMULATED_METRICS] = metrics or SimulatedMetrics(app[SIMULATED_APP].rng)
    for endpoint in BODIES:
        app.router.add_get(f"/api/health/{endpoint}", _handler(endpoint))
    app.router.add_get("/metrics", _metrics)
    return app
