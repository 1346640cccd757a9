"""A configured site, a migrated database and a movable clock for alerting tests, and
results fed the way the writer announces them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from statuspage.alerting.incidents import IncidentAutomation
from statuspage.alerting.service import AlertingService
from statuspage.config import Settings, load_settings
from statuspage.service.settings_holder import SettingsHolder
from statuspage.service.startup import open_database, prepare_database
from storage.database import Database
from storage.results.announce import Announced

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


async def lead(service: AlertingService) -> None:
    """Take the lock and rebuild, as the running loop does first."""
    assert await service.take_over()
