"""The running service: metric sources scheduled on the probes' scheduler by
`create_app` (probes role) and scraped on their interval, into the database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge
from pytest_aiohttp import AiohttpClient

from probes.clock import system_clock
from statuspage import keys
from statuspage.app import create_app
from statuspage.config import load_settings
from statuspage.service.roles import Roles
from storage.metrics.reads import latest_points, points_since
from storage.migrate import upgrade_database
from tests.metrics.helpers import serving
from tests.waiting import eventually

CONFIG = """
[storage]
url = "sqlite:///page.db"

[[metric_sources]]
name = "app"
kind = "scrape"
url = "{url}"
interval_s = 1

[[metrics]]
id = "sessions"
name = "Concurrent users"
source = "app"
kind = "gauge"
selector = "active_sessions"
"""


async def test_a_source_is_scraped_on_its_interval_by_the_probing_process(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    await upgrade_database(f"sqlite:///{tmp_path / 'page.db'}")
    registry = CollectorRegistry()
    sessions = Gauge("active_sessions", "Sessions", registry=registry)
    sessions.set(5)
    with serving(registry) as url:
        path = tmp_path / "statuspage.toml"
        path.write_text(CONFIG.format(url=url), encoding="utf-8")
        app = create_app(
            load_settings(path, {}), Roles(probes=True, jobs=False, web=False), clock=system_clock
        )
        client = await aiohttp_client(app)
        db = client.app[keys.DATABASE]

        async def latest_is(value: float) -> bool:
            found = (await latest_points(db, ["sessions"])).get("sessions")
            return found is not None and found.value == value

        await eventually(lambda: latest_is(5.0), "the first scrape's value")
        sessions.set(7)
        await eventually(lambda: latest_is(7.0), "a later scrape's value")
    assert len(await points_since(db, "sessions", datetime(2000, 1, 1, tzinfo=UTC), 100)) >= 2
