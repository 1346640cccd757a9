"""The demo's metrics: the same as the production example's, and every one of them
gets live values from the simulated application's Prometheus endpoint."""

from __future__ import annotations

import random
from pathlib import Path

from pytest_aiohttp import AiohttpServer

from probes.sessions import ProbeSessions
from statuspage.config import Settings, load_settings
from statuspage.demo_history import demo_config_text
from statuspage.simulated_app import SimulatedMetrics, create_demo_target
from storage.database import Database
from storage.metrics.reads import latest_points, latest_problems
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


async def test_every_demo_metric_gets_a_value_from_the_simulated_app(
    tmp_path: Path,
    db: Database,
    sessions: ProbeSessions,
    clock: MovingClock,
    aiohttp_server: AiohttpServer,
) -> None:
    elapsed = [0.0]
    simulated = SimulatedMetrics(random.Random(7), stopwatch=lambda: elapsed[0])
    server = await aiohttp_server(create_demo_target(metrics=simulated))
    settings = demo_settings(tmp_path, server.port or 0).metrics
    run = collector(db, sessions, settings, clock)
    for _ in range(2):
        elapsed[0] += 600  # ten minutes of simulated traffic between scrapes
        clock.advance(600)
        await run.collect("app")
    ids = [m.id for m in settings.metrics]
    assert await latest_problems(db, ids) == {}
    assert set(await latest_points(db, ids)) == set(ids)
