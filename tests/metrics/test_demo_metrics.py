"""The demo's metrics: the same as the production example's, and every one of them
gets live values from the simulated application's Prometheus endpoint."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import aiohttp
from pytest_aiohttp import AiohttpClient, AiohttpServer

from probes.sessions import ProbeSessions
from statuspage import keys
from statuspage.config import Settings, load_settings
from statuspage.demo_history import demo_config_text, demo_push_token
from statuspage.metric_specs import MetricsSettings
from statuspage.presentation.metric_cards import verdict
from statuspage.simulated_app import COMPLETION_BY_TIER, SimulatedMetrics, create_demo_target
from statuspage.simulated_push import completion_metric, push_completion
from storage.accounts.tokens import find_token
from storage.database import Database
from storage.metrics.reads import latest_points, latest_problems
from storage.migrate import upgrade_database
from tests.admin.helpers import NOW, Clock
from tests.app_client import app_client
from tests.metrics.helpers import MovingClock, collector

EXAMPLE = Path("examples/production.toml")


def demo_settings(tmp_path: Path, target_port: int) -> Settings:
    path = tmp_path / "demo.toml"
    path.write_text(demo_config_text(port=8080, target_port=target_port, db_name="d.db"))
    return load_settings(path, {})


def test_the_demo_reads_the_metrics_the_production_example_configures(tmp_path: Path) -> None:
    demo, example = demo_settings(tmp_path, 8081), load_settings(EXAMPLE, {})
    assert demo.metrics.metrics == example.metrics.metrics
    assert [s.url for s in demo.metrics.sources] == [s.url for s in example.metrics.sources]


async def scrape_the_demo(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
    *,
    random_start: int,
    scrapes: int,
    every_s: float,
) -> MetricsSettings:
    """The demo's metrics scraped from its simulated application `scrapes` times,
    `every_s` of simulated traffic apart; their settings."""
    elapsed = [0.0]
    simulated = SimulatedMetrics(random.Random(random_start), stopwatch=lambda: elapsed[0])
    server = await aiohttp_server(create_demo_target(metrics=simulated))
    settings = demo_settings(tmp_path, server.port or 0).metrics
    run = collector(db, sessions, settings, clock)
    for _ in range(scrapes):
        elapsed[0] += every_s
        clock.advance(every_s)
        await run.collect("app")
    return settings


async def test_every_demo_metric_gets_a_value_from_the_simulated_app(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    settings = await scrape_the_demo(
        tmp_path, db, sessions, clock, aiohttp_server, random_start=7, scrapes=2, every_s=600
    )
    ids = [m.id for m in settings.metrics if m.kind != "push"]
    assert await latest_problems(db, ids) == {}
    assert set(await latest_points(db, ids)) == set(ids)


async def test_left_alone_the_simulated_app_meets_every_target_it_is_judged_by(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    settings = await scrape_the_demo(  # half an hour, five minutes between scrapes
        tmp_path, db, sessions, clock, aiohttp_server, random_start=11, scrapes=7, every_s=300
    )
    judged = [m for m in settings.metrics if (m.target_below, m.target_above) != (None, None)]
    latest = await latest_points(db, [m.id for m in judged])
    missed = {
        m.id: latest[m.id].value
        for m in judged
        if m.id in latest and verdict(m, latest[m.id].value) == "misses"
    }
    assert missed == {}
    assert {"api-p95", "api-p99", "api-error-rate"} <= set(latest)


async def test_the_simulated_app_pushes_each_tier_s_completion_through_the_write_api(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    settings = demo_settings(tmp_path, 8081)
    await upgrade_database(settings.database_url)
    client = await app_client(aiohttp_client, settings, Clock(NOW))
    db = client.app[keys.DATABASE]
    token = await demo_push_token(db, now=NOW)
    simulated = SimulatedMetrics(random.Random(7))
    base_url = str(client.make_url("")).rstrip("/")
    async with aiohttp.ClientSession() as session:
        await push_completion(session, base_url, token, simulated, NOW - timedelta(minutes=1))
    pushed = [m.id for m in settings.metrics.metrics if m.kind == "push"]
    assert pushed == [completion_metric(tier) for tier in COMPLETION_BY_TIER]
    stored = await latest_points(db, pushed)
    assert {m: p.at for m, p in stored.items()} == dict.fromkeys(pushed, NOW - timedelta(minutes=1))
    assert 50 < stored[completion_metric("free")].value < stored[completion_metric("pro")].value


async def test_a_demo_start_revokes_the_previous_start_s_push_token(db: Database) -> None:
    first = await demo_push_token(db, now=NOW)
    second = await demo_push_token(db, now=NOW)
    assert first != second
    assert await find_token(db, first) is None
    assert await find_token(db, second) is not None
