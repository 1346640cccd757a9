"""Scraping a real prometheus_client exposition on 127.0.0.1 that the test drives:
what is stored for each kind of metric, and what is recorded instead when the
exposition cannot be trusted."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from pytest_aiohttp import AiohttpServer

from probes.sessions import ProbeSessions
from statuspage.config import load_settings
from storage.database import Database
from storage.metrics.reads import latest_points, latest_problems, points_since
from tests.metrics.helpers import (
    CPU,
    ERROR_RATE,
    MovingClock,
    collector,
    metrics_settings,
    scrape_source,
    serving,
)
from tests.storage.builders import T0

P95 = """
[[metrics]]
id = "api-p95"
name = "API p95"
source = "app"
kind = "quantile"
histogram = 'http_request_duration_seconds_bucket{route="/api"}'
quantile = 0.95
scale = 1000.0
unit = "ms"
"""


async def test_a_gauge_is_stored_at_each_scrape(
    tmp_path: Path, db: Database, sessions: ProbeSessions, clock: MovingClock
) -> None:
    registry = CollectorRegistry()
    cpu = Gauge("process_cpu_percent", "CPU", registry=registry)
    cpu.set(42.5)
    with serving(registry) as url:
        settings = metrics_settings(tmp_path, scrape_source(url), CPU)
        await collector(db, sessions, settings, clock).collect("app")
    assert (await latest_points(db, ["cpu"]))["cpu"].value == 42.5


async def test_the_error_rate_is_failed_over_all_requests_between_scrapes(
    tmp_path: Path, db: Database, sessions: ProbeSessions, clock: MovingClock
) -> None:
    registry = CollectorRegistry()
    requests = Counter("http_requests", "Requests", ["status"], registry=registry)
    requests.labels("200").inc(100)
    requests.labels("503")  # exported at 0 from the start, as instrumented apps do
    with serving(registry) as url:
        settings = metrics_settings(tmp_path, scrape_source(url), ERROR_RATE)
        run = collector(db, sessions, settings, clock)
        first = await run.collect("app")
        requests.labels("200").inc(10)
        requests.labels("503").inc(3)
        clock.advance(15)
        await run.collect("app")
    assert (first.points, first.problems) == ((), ())  # the first scrape sets the baseline
    (point,) = await points_since(db, "api-error-rate", T0, limit=10)
    assert point.value == pytest.approx(100 * 3 / 13)


async def test_an_error_series_that_appears_between_scrapes_counts_from_its_next_one(
    tmp_path: Path, db: Database, sessions: ProbeSessions, clock: MovingClock
) -> None:
    registry = CollectorRegistry()
    requests = Counter("http_requests", "Requests", ["status"], registry=registry)
    requests.labels("200").inc(100)
    with serving(registry) as url:
        run = collector(
            db, sessions, metrics_settings(tmp_path, scrape_source(url), ERROR_RATE), clock
        )
        await run.collect("app")
        requests.labels("200").inc(10)
        requests.labels("503").inc(3)  # how many of these fell in this interval is unknown
        clock.advance(15)
        await run.collect("app")
        requests.labels("200").inc(3)
        requests.labels("503").inc(1)
        clock.advance(15)
        await run.collect("app")
    found = await points_since(db, "api-error-rate", T0, limit=10)
    assert [p.value for p in found] == [0.0, pytest.approx(25.0)]


async def test_a_p95_comes_from_the_histograms_buckets(
    tmp_path: Path, db: Database, sessions: ProbeSessions, clock: MovingClock
) -> None:
    registry = CollectorRegistry()
    latency = Histogram(
        "http_request_duration_seconds",
        "Latency",
        ["route"],
        buckets=(0.1, 0.5, 1.0),
        registry=registry,
    )
    with serving(registry) as url:
        run = collector(db, sessions, metrics_settings(tmp_path, scrape_source(url), P95), clock)
        latency.labels("/api")
        await run.collect("app")
        for _ in range(90):
            latency.labels("/api").observe(0.05)
        for _ in range(10):
            latency.labels("/api").observe(0.7)
        latency.labels("/other").observe(30)  # another route: not selected
        clock.advance(15)
        await run.collect("app")
    # rank 95 of 100: 5 into the (0.5, 1] bucket of 10: 0.5 + 0.5 * 5/10 = 0.75 s.
    assert (await latest_points(db, ["api-p95"]))["api-p95"].value == pytest.approx(750.0)


async def raw_target(aiohttp_server: AiohttpServer, bodies: list[str]) -> str:
    """A target answering each scrape with the next of `bodies` (the last one again)."""

    async def metrics(request: web.Request) -> web.Response:
        body = bodies.pop(0) if len(bodies) > 1 else bodies[0]
        return web.Response(text=body, content_type="text/plain")

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    server = await aiohttp_server(app)
    return str(server.make_url("/metrics"))


async def test_a_counter_reset_between_scrapes_counts_the_new_values(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    before = 'http_requests_total{status="200"} 1000\nhttp_requests_total{status="500"} 10\n'
    after = 'http_requests_total{status="200"} 6\nhttp_requests_total{status="500"} 2\n'
    url = await raw_target(aiohttp_server, [before, after])
    run = collector(db, sessions, metrics_settings(tmp_path, scrape_source(url), ERROR_RATE), clock)
    await run.collect("app")
    clock.advance(15)
    await run.collect("app")
    # The process restarted: 2 failed of 8 since, not a negative rate.
    assert (await latest_points(db, ["api-error-rate"]))["api-error-rate"].value == pytest.approx(
        25.0
    )


async def test_histogram_buckets_out_of_order_give_the_same_quantile(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    def buckets(counts: dict[str, int]) -> str:
        return "".join(
            f'http_request_duration_seconds_bucket{{route="/api",le="{le}"}} {n}\n'
            for le, n in counts.items()
        )

    zero = buckets({"+Inf": 0, "1.0": 0, "0.1": 0, "0.5": 0})
    later = buckets({"+Inf": 100, "1.0": 100, "0.1": 50, "0.5": 90})
    url = await raw_target(aiohttp_server, [zero, later])
    run = collector(db, sessions, metrics_settings(tmp_path, scrape_source(url), P95), clock)
    await run.collect("app")
    clock.advance(15)
    await run.collect("app")
    # rank 95: 5 into (0.5, 1] holding 10: 750 ms.
    assert (await latest_points(db, ["api-p95"]))["api-p95"].value == pytest.approx(750.0)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("process_cpu_percent{core=0} 1\n", "malformed exposition"),
        ("process_cpu_percent NaN\n", "process_cpu_percent{} is nan"),
        ("process_cpu_percent +Inf\n", "process_cpu_percent{} is inf"),
        (
            "process_cpu_percent{" + ",".join(f'l{i}="v"' for i in range(40)) + "} 1\n",
            "has 40 labels",
        ),
        ("other_metric 1\n", "no series matches process_cpu_percent"),
    ],
)
async def test_an_exposition_that_cannot_be_trusted_is_recorded_and_nothing_stored(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
    body: str,
    says: str,
) -> None:
    url = await raw_target(aiohttp_server, [body])
    run = collector(
        db, sessions, metrics_settings(tmp_path, scrape_source(url), CPU + ERROR_RATE), clock
    )
    await run.collect("app")
    assert await latest_points(db, ["cpu", "api-error-rate"]) == {}
    problem = (await latest_problems(db, ["cpu"]))["cpu"]
    assert (problem.side, says in problem.message) == ("target", True)


async def test_a_malformed_exposition_stops_rates_from_using_it(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    good1 = 'http_requests_total{status="200"} 100\n'
    bad = "http_requests_total{status=200} 5\n"
    good2 = 'http_requests_total{status="200"} 110\nhttp_requests_total{status="500"} 0\n'
    url = await raw_target(aiohttp_server, [good1, bad, good2])
    run = collector(db, sessions, metrics_settings(tmp_path, scrape_source(url), ERROR_RATE), clock)
    for _ in range(3):
        await run.collect("app")
        clock.advance(15)
    (point,) = await points_since(db, "api-error-rate", T0, limit=10)
    assert point.value == 0  # from the first and third scrapes; the second was refused
    assert "malformed" in (await latest_problems(db, ["api-error-rate"]))["api-error-rate"].message


async def test_an_answer_larger_than_the_limit_is_refused(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    url = await raw_target(aiohttp_server, ["process_cpu_percent 1\n" + "# padding\n" * 200])
    source = scrape_source(url, max_body_bytes=1000)
    await collector(db, sessions, metrics_settings(tmp_path, source, CPU), clock).collect("app")
    problem = (await latest_problems(db, ["cpu"]))["cpu"]
    assert problem.message == "body larger than 1000 bytes"
    assert await latest_points(db, ["cpu"]) == {}


async def test_an_unreachable_target_is_the_targets_problem(
    tmp_path: Path, db: Database, sessions: ProbeSessions, clock: MovingClock
) -> None:
    with serving(CollectorRegistry()) as url:
        pass  # the port is free again: nothing listens
    await collector(
        db, sessions, metrics_settings(tmp_path, scrape_source(url), CPU), clock
    ).collect("app")
    problem = (await latest_problems(db, ["cpu"]))["cpu"]
    assert (problem.side, problem.message) == ("target", "connection refused")


async def test_the_bearer_token_is_sent(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    async def metrics(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer s3cret":
            return web.Response(status=401)
        return web.Response(text="process_cpu_percent 7\n")

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    url = str((await aiohttp_server(app)).make_url("/metrics"))
    path = tmp_path / "m.toml"
    path.write_text(scrape_source(url, bearer_token_env="APP_TOKEN") + CPU, encoding="utf-8")
    settings = load_settings(path, {"APP_TOKEN": "s3cret"}).metrics
    await collector(db, sessions, settings, clock).collect("app")
    assert (await latest_points(db, ["cpu"]))["cpu"].value == 7
