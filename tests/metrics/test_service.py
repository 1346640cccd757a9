"""The running service: metric sources scheduled on the probes' scheduler by
`create_app` (probes role) and scraped on their interval, into the database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge
from prometheus_client.parser import text_string_to_metric_families
from pytest_aiohttp import AiohttpClient

from probes.clock import system_clock
from statuspage import keys
from statuspage.app import create_app
from statuspage.config import load_settings
from statuspage.service.roles import Roles
from storage.metrics.reads import latest_points, points_since
from storage.migrate import upgrade_database
from tests.app_client import Client
from tests.metrics.helpers import serving
from tests.storage.test_failures import write_locked
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


async def test_scraped_points_are_kept_while_the_database_is_locked_and_written_after(
    tmp_path: Path, aiohttp_client: AiohttpClient
) -> None:
    await upgrade_database(f"sqlite:///{tmp_path / 'page.db'}")
    registry = CollectorRegistry()
    Gauge("active_sessions", "Sessions", registry=registry).set(5)
    quick = CONFIG.replace("[storage]\n", "[storage]\nstatement_timeout_s = 0.2\n")
    with serving(registry) as url:
        path = tmp_path / "statuspage.toml"
        path.write_text(quick.format(url=url), encoding="utf-8")
        roles = Roles(probes=True, jobs=False, web=False)
        client = await aiohttp_client(
            create_app(load_settings(path, {}), roles, clock=system_clock)
        )
        points = client.app[keys.POINT_WRITER]
        await eventually(lambda: points.written >= 1, "a first point written")
        with write_locked(tmp_path / "page.db"):
            await eventually(lambda: points.pending >= 2, "points kept while the file is locked")
            kept = await pending_in_metrics(client)
            health = await (await client.get("/healthz")).json()
        await eventually(lambda: points.pending == 0, "the kept points written")
    assert kept >= 2
    assert (health["status"], health["metric_points_dropped"]) == ("degraded", 0)
    assert health["metric_points_pending"] >= 2
    assert str(health["reason"]).startswith("writing metric points failed: ")
    assert (await (await client.get("/healthz")).json())["storage"] == "ok"
    stored = await points_since(
        client.app[keys.DATABASE], "sessions", datetime(2000, 1, 1, tzinfo=UTC), 1000
    )
    assert len(stored) == points.written >= 3
    assert points.dropped == 0


async def pending_in_metrics(client: Client) -> float:
    text = await (await client.get("/metrics")).text()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert families["statuspage_metric_points_dropped"].samples[0].value == 0
    return families["statuspage_metric_points_pending"].samples[0].value
