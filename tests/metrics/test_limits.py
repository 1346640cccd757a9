"""The collector's requests take the probes' limits: with the only slot held by a
probe, a scrape (or a PromQL query) waits for it, then goes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from probes.sessions import ProbeSessions
from statuspage.service.metric_collector import MetricCollector
from statuspage.service.runner import ProbeLimits
from storage.database import Database
from storage.metrics.reads import latest_points
from tests.metrics.helpers import CPU, MovingClock, collector, metrics_settings, scrape_source
from tests.metrics.test_prometheus_source import P99, source, vector
from tests.waiting import GENEROUS_S

PROBED = "http://127.0.0.1:9/health"  # the probe that holds the slot: never requested


class OneSlot:
    """The probes' limits with a single slot, as the collector reads them per run;
    `asked` is set when it reads them."""

    def __init__(self) -> None:
        self.limits = ProbeLimits(concurrency=1, rate_per_s=1000, per_host=0)
        self.asked = asyncio.Event()

    def __call__(self) -> ProbeLimits:
        self.asked.set()
        return self.limits


async def application(aiohttp_server: AiohttpServer, order: list[str]) -> str:
    """Serves /metrics and Prometheus's /api/v1/query, noting each request in `order`;
    returns its base URL."""

    async def exposition(request: web.Request) -> web.Response:
        order.append("requested")
        return web.Response(text="process_cpu_percent 42.5\n")

    async def query(request: web.Request) -> web.Response:
        order.append("requested")
        return web.json_response(vector("0.25"))

    app = web.Application()
    app.router.add_get("/metrics", exposition)
    app.router.add_get("/api/v1/query", query)
    return str((await aiohttp_server(app)).make_url("")).rstrip("/")


async def behind_a_probe(run: MetricCollector, name: str, one: OneSlot, order: list[str]) -> None:
    """Collect `name` while a probe holds the only slot; release it once the
    collector has read the limits (or has finished without them)."""
    async with one.limits.slot(PROBED):
        collecting = asyncio.create_task(run.collect(name))
        asking = asyncio.create_task(one.asked.wait())
        await asyncio.wait(
            {collecting, asking}, timeout=GENEROUS_S, return_when=asyncio.FIRST_COMPLETED
        )
        asking.cancel()
        # Having read the limits, the collector went straight on to the slot: this task
        # runs again only once it waits there.
        assert (collecting.done(), order) == (False, [])
        order.append("released")
    await asyncio.wait_for(collecting, GENEROUS_S)


@pytest.mark.parametrize(
    ("path", "source_for", "metrics", "name", "metric", "value"),
    [
        ("/metrics", scrape_source, CPU, "app", "cpu", 42.5),
        ("", source, P99, "prom", "api-p99", 250.0),
    ],
    ids=["scrape", "promql-query"],
)
async def test_the_collectors_request_waits_for_the_probes_only_slot(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
    path: str,
    source_for: Callable[[str], str],
    metrics: str,
    name: str,
    metric: str,
    value: float,
) -> None:
    order: list[str] = []
    url = await application(aiohttp_server, order) + path
    one = OneSlot()
    settings = metrics_settings(tmp_path, source_for(url), metrics)
    await behind_a_probe(collector(db, sessions, settings, clock, limits=one), name, one, order)
    assert order == ["released", "requested"]
    assert (await latest_points(db, [metric]))[metric].value == value
