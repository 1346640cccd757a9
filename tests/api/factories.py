"""Builders for API, feed and export tests: a configuration, and incidents written
through `storage.incidents.writes`, exactly as the admin area and write API write them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from statuspage.config import Settings, load_settings
from storage.database import Database
from storage.incidents.rules import NewIncident, NewUpdate
from storage.incidents.writes import create_incident, post_update
from storage.results.rollup import roll_up
from storage.vocabulary import IncidentKind
from tests.storage.builders import record, write

NOW = datetime(2026, 11, 26, 10, 15, 2, 113000, tzinfo=UTC)  # 11:15 in Berlin
BERLIN = ZoneInfo("Europe/Berlin")
SITE_URL = "http://status.example.test"
TIMESTAMP = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$"

CONFIG = f"""
[site]
name = "Example Status"
url = "{SITE_URL}"
time_zone = "Europe/Berlin"

[storage]
url = "sqlite:///page.db"

[[components]]
id = "api"
name = "API"
group = "Platform"
description = "The public API."
url = "http://127.0.0.1:9/health"
sla_ms = 200

[[components]]
id = "database"
name = "Database"
group = "Platform"
url = "http://127.0.0.1:9/db"
sla_ms = 100

[[components]]
id = "notifications"
name = "Customer notifications"
"""


def settings_for(tmp_path: Path, config: str = CONFIG) -> Settings:
    path = tmp_path / "statuspage.toml"
    path.write_text(config, "utf-8")
    return load_settings(path, {})


async def open_incident(
    db: Database,
    name: str = "Database latency",
    *,
    body: str = "We are investigating slow queries.",
    status: str = "investigating",
    components: Mapping[str, str] | None = None,
    at: datetime = NOW - timedelta(hours=1),
    **fields: object,
) -> int:
    chosen = {"database": "degraded_performance"} if components is None else components
    new = NewIncident(name=name, status=status, body=body, components=chosen, **fields)  # type: ignore[arg-type]
    return await create_incident(db, new, now=at)


async def post(
    db: Database,
    incident_id: int,
    status: str,
    body: str = "An update.",
    *,
    at: datetime = NOW - timedelta(minutes=30),
    components: Mapping[str, str] | None = None,
) -> int:
    return await post_update(db, incident_id, NewUpdate(status, body, components), now=at)


async def schedule_maintenance(
    db: Database,
    name: str = "Database upgrade",
    *,
    starts: datetime = NOW + timedelta(days=1),
    hours: float = 2,
    components: Mapping[str, str] | None = None,
    at: datetime = NOW - timedelta(days=1),
) -> int:
    new = NewIncident(
        name=name,
        status="scheduled",
        body="We will upgrade the database.",
        components=components or {"database": "under_maintenance"},
        kind=IncidentKind.MAINTENANCE,
        scheduled_for=starts,
        scheduled_until=starts + timedelta(hours=hours),
    )
    return await create_incident(db, new, now=at)


async def measure(
    db: Database,
    component_id: str,
    statuses: list[str],
    *,
    latency_ms: float = 100.0,
    start: datetime = NOW - timedelta(minutes=50),
) -> None:
    """Probe results a minute apart, written and rolled up as production does."""
    records = [
        record(start + i * timedelta(minutes=1), s, latency_ms, component_id=component_id)
        for i, s in enumerate(statuses)
    ]
    await write(db, records)
    await roll_up(db, now=NOW, tz=BERLIN)
