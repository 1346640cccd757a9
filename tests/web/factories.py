"""Small builders for web tests: a configuration file, roll-ups, results and incidents
written straight into the database (the admin write API is not needed to read)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from probes.model import Phases, ProbeResult, ProbeStatus
from statuspage.config import Settings, load_settings
from storage.database import Database
from storage.figures import histogram
from storage.figures.aggregate import Aggregate
from storage.figures.timebuckets import day_start, hour_start
from storage.migrate import upgrade_database
from storage.results.writer import ResultRecord, ResultWriter
from storage.tables.incidents import Incident, IncidentComponent, IncidentUpdate
from storage.tables.monitoring import Rollup
from storage.vocabulary import ComponentStatus, Granularity, IncidentStatus

NOW = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)  # a Thursday; 11:15 in Berlin
BERLIN = ZoneInfo("Europe/Berlin")

SITE = """
[site]
name = "Acme Status"
url = "http://status.acme.test"
time_zone = "Europe/Berlin"
description = "Live status of Acme."
footer_text = "Questions? support@acme.test"
home_url = "https://www.acme.test"
"""
COMPONENTS = """
[[components]]
id = "api"
name = "API"
group = "Platform"
description = "The public API."
url = "http://127.0.0.1:9/api/health/system?token=secret"
sla_ms = 200

[[components]]
id = "database"
name = "Database"
group = "Platform"
url = "http://127.0.0.1:9/api/health/database"
sla_ms = 100

[[components]]
id = "notifications"
name = "Customer notifications"
"""


def write_config(tmp_path: Path, *, site: str = SITE, components: str = COMPONENTS) -> Path:
    path = tmp_path / "statuspage.toml"
    path.write_text(f'{site}\n[storage]\nurl = "sqlite:///page.db"\n{components}', "utf-8")
    return path


def settings_for(tmp_path: Path, **parts: str) -> Settings:
    return load_settings(write_config(tmp_path, **parts), {})


async def prepare_database(url: str) -> None:
    await upgrade_database(url)


@dataclass
class Bucket:
    """Counts for a roll-up row; latencies of the successful results."""

    up: int = 0
    degraded: int = 0
    down: int = 0
    maintenance: int = 0
    within_sla: int | None = None  # default: every up result
    latencies_ms: Sequence[float] = field(default_factory=list)

    def aggregate(self) -> Aggregate:
        latencies = list(self.latencies_ms) or [50.0] * (self.up + self.degraded)
        return Aggregate(
            up=self.up,
            degraded=self.degraded,
            down=self.down,
            maintenance=self.maintenance,
            within_sla=self.up if self.within_sla is None else self.within_sla,
            latency_sum_ms=sum(latencies),
            latency_min_ms=min(latencies, default=None),
            latency_max_ms=max(latencies, default=None),
            histogram=histogram.build(latencies),
        )


async def add_rollup(
    db: Database,
    component_id: str,
    bucket_start: datetime,
    bucket: Bucket,
    *,
    granularity: Granularity = Granularity.DAY,
    region: str = "default",
) -> None:
    row = {
        "component_id": component_id,
        "region": region,
        "granularity": granularity,
        "bucket_start": bucket_start,
        **bucket.aggregate().columns(),
    }
    async with db.write() as session:
        session.add(Rollup.model_validate(row))


async def add_day(
    db: Database, component_id: str, day: date, bucket: Bucket, *, region: str = "default"
) -> None:
    await add_rollup(db, component_id, day_start(day, BERLIN), bucket, region=region)


async def add_hour(
    db: Database, component_id: str, at: datetime, bucket: Bucket, *, region: str = "default"
) -> None:
    start = hour_start(at, BERLIN)
    await add_rollup(db, component_id, start, bucket, granularity=Granularity.HOUR, region=region)


async def add_result(
    db: Database,
    component_id: str,
    at: datetime,
    *,
    status: str = "up",
    latency_ms: float = 80.0,
    dependencies: Mapping[str, str] | None = None,
    phases: Phases | None = None,
) -> None:
    result = ProbeResult(
        status=ProbeStatus(status),
        latency_ms=latency_ms,
        started_at=at,
        phases=phases or Phases(dns_ms=2.0, connect_ms=3.0, ttfb_ms=60.0, total_ms=latency_ms),
        http_status=200,
        within_sla=status == "up",
        dependencies=dict(dependencies or {}),
    )
    writer = ResultWriter(db)
    writer.submit(ResultRecord(component_id, "default", at, result))
    await writer.flush()


@dataclass
class Said:
    """One incident update: status, Markdown body, when."""

    status: str
    body: str
    at: datetime
    affected: list[dict[str, str]] | None = None


async def add_incident(
    db: Database,
    name: str,
    *,
    status: str = "investigating",
    impact: str = "minor",
    started_at: datetime = NOW - timedelta(hours=1),
    components: Mapping[str, str] | None = None,
    updates: Sequence[Said] = (),
    **fields: object,
) -> int:
    """An incident (or, with kind="maintenance", a maintenance) with its updates."""
    async with db.write() as session:
        incident = Incident.model_validate(
            {
                "name": name,
                "status": status,
                "impact": impact,
                "created_at": started_at,
                "updated_at": started_at,
                "started_at": started_at,
                **fields,
            }
        )
        session.add(incident)
        await session.flush()
        assert incident.id is not None
        for said in updates or [Said(status, f"We are looking into {name}.", started_at)]:
            session.add(_update(incident.id, said))
        for component_id, component_status in (components or {}).items():
            session.add(
                IncidentComponent(
                    incident_id=incident.id,
                    component_id=component_id,
                    status=ComponentStatus(component_status),
                )
            )
        return incident.id


def _update(incident_id: int, said: Said) -> IncidentUpdate:
    return IncidentUpdate(
        incident_id=incident_id,
        status=IncidentStatus(said.status),
        body=said.body,
        created_at=said.at,
        updated_at=said.at,
        display_at=said.at,
        affected_components=said.affected,
    )


def days_back(count: int, *, today: date | None = None) -> list[date]:
    """The last `count` Berlin days, oldest first, ending today (of NOW)."""
    last = today or NOW.astimezone(BERLIN).date()
    return [last - timedelta(days=count - 1 - i) for i in range(count)]
