"""A configured site, a migrated database and a movable clock for alerting tests, and
results fed the way the writer announces them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web
from pytest_aiohttp import AiohttpServer

from statuspage.alerting.incidents import IncidentAutomation
from statuspage.alerting.service import AlertingService
from statuspage.config import Settings, load_settings
from statuspage.service.settings_holder import SettingsHolder
from statuspage.service.startup import open_database, prepare_database
from storage.alerts.reads import list_alerts
from storage.database import Database
from storage.results.announce import Announced
from storage.vocabulary import AlertState

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)

CONFIG = """
[site]
name = "Acme Status"

[storage]
url = "{url}"

[[components]]
id = "api"
name = "API"
url = "http://127.0.0.1:9/api/health/system"
sla_ms = 100
{api_extra}

[[components]]
id = "payments"
name = "Payments"
url = "http://127.0.0.1:9/api/health/external"
sla_ms = 500
severity = "P0"
critical = true
{extra}
"""


# For real processes: one component probed every second and one quick error-rate
# rule, so an alert fires and resolves within seconds. `{target}` is its base URL.
FAST_ALERTING = """
[probes]
interval_s = 1
confirm_down_retries = 0

[alerting]
default_rules = false
evaluate_every_s = 1

[[alerts]]
name = "api-errors"
kind = "error_rate"
severity = "critical"
above = 20.0
clear_at = 5.0
window_s = 10
resolve_for_s = 2
min_samples = 2

[[components]]
id = "api"
name = "API"
url = "{target}/health"
sla_ms = 500
"""


@dataclass
class SwitchableTarget:
    """A /health endpoint a test turns failing (503) and healthy again."""

    failing: bool = False

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": not self.failing}, status=503 if self.failing else 200)

    async def serve(self, aiohttp_server: AiohttpServer) -> str:
        """Start it on 127.0.0.1; returns its base URL."""
        app = web.Application()
        app.router.add_get("/health", self.health)
        server = await aiohttp_server(app)
        return str(server.make_url("")).rstrip("/")


@dataclass
class Clock:
    now: datetime = field(default=NOW)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def settings_for(tmp_path: Path, url: str, extra: str = "", api_extra: str = "") -> Settings:
    path = tmp_path / "statuspage.toml"
    path.write_text(CONFIG.format(url=url, extra=extra, api_extra=api_extra), "utf-8")
    return load_settings(path, {})


@dataclass
class Site:
    settings: SettingsHolder
    db: Database
    clock: Clock

    def service(self) -> AlertingService:
        service = AlertingService(self.db, self.settings, clock=self.clock)
        service.handlers.append(IncidentAutomation(self.db, self.settings, clock=self.clock))
        return service


@asynccontextmanager
async def site(settings: Settings, clock: Clock) -> AsyncIterator[Site]:
    db = open_database(settings)
    await prepare_database(db, settings, upgrade=True, clock=clock)
    try:
        yield Site(SettingsHolder(settings), db, clock)
    finally:
        await db.dispose()


def result(
    component: str, at: datetime, *, failed: bool = False, latency_ms: float = 50.0
) -> Announced:
    return Announced(component, "default", at.timestamp(), failed, latency_ms, latency_ms > 100)


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'alerts.db'}"


async def feed(
    place: Site,
    service: AlertingService,
    minutes: float,
    *,
    failed: bool = False,
    component: str = "api",
    fail_every: int = 0,
) -> None:
    """One result of `component` every 30 s for `minutes` (failed, or every
    `fail_every`-th failed), judged as each commits, with a periodic round each time,
    as the running service does."""
    for n in range(int(minutes * 2)):
        place.clock.advance(seconds=30)
        down = failed or (fail_every > 0 and n % fail_every == 0)
        service.accept([result(component, place.clock.now, failed=down)])
        await service.judge_arrived()
        await service.run_round()


async def rules_firing(place: Site) -> set[str]:
    return {a.rule for a in await list_alerts(place.db, state=AlertState.FIRING)}


async def lead(service: AlertingService) -> None:
    """Take the lock and rebuild, as the running loop does first."""
    assert await service.take_over()
